/**
 * What the previous run saw: per certificate, the threshold it was within. It lets a digest
 * say "crossed into a new threshold since the last run".
 *
 * Where it lives, and why: a JSON secret (default `keyturn/state/check-iam-cert-expiry`).
 * - The state machine input cannot carry it: a schedule's input is fixed.
 * - Tags on the certificates would need iam:TagServerCertificate, i.e. write access to the
 *   very certificates being watched; one secret that only this workflow may touch is less.
 * - Parameter Store would add a service (and a simulator) for one small document.
 * The checking function may only read it; the function that records a finished run may read
 * and write it, on that one secret ARN. It holds names and dates, never secret material.
 */
import { createHash } from 'node:crypto';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Log } from '../logger';
import { translateSecretsError } from '../secrets/credential-store';
import { thresholdFor, type ExpiryClass, type Severity } from './classify-expiry';

export const DEFAULT_MEMORY_SECRET_ID = 'keyturn/state/check-iam-cert-expiry';

export interface RememberedCertificate {
  /** A renewed certificate re-uploaded under the same ARN is a new certificate. */
  expiration: string;
  threshold: ExpiryClass['threshold'];
}

/** Keyed by certificate ARN. */
export type RememberedThresholds = Record<string, RememberedCertificate>;

interface MemoryDocument {
  version: 1;
  certificates: RememberedThresholds;
}

type Secrets = Pick<SecretsManagerClient, 'send'>;

/**
 * The remembered thresholds, or null before the first recorded run. A memory that cannot be
 * read as ours is also null (with a warning): losing "crossed since the last run" marks is
 * better than withholding the digest itself.
 */
export async function loadRememberedThresholds(secrets: Secrets, secretId: string, log: Log): Promise<RememberedThresholds | null> {
  let text: string | undefined;
  try {
    text = (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return null;
    throw translateSecretsError(error, secretId);
  }
  if (!text) return null;
  let document: MemoryDocument | undefined;
  try {
    document = JSON.parse(text) as MemoryDocument;
  } catch {
    document = undefined;
  }
  if (document?.version !== 1 || typeof document.certificates !== 'object' || document.certificates === null) {
    log.warn('threshold memory unreadable, treating this run as the first', { secretId });
    return null;
  }
  return document.certificates;
}

/**
 * Replaces the entries under `pathPrefix` with `seen` and keeps the others (another schedule
 * may watch another prefix). Idempotent: the version token is a hash of the document, so a
 * rerun writing the same memory is a no-op for Secrets Manager.
 */
export async function saveRememberedThresholds(
  secrets: Secrets,
  secretId: string,
  pathPrefix: string,
  seen: RememberedThresholds,
  log: Log,
): Promise<void> {
  const previous = (await loadRememberedThresholds(secrets, secretId, log)) ?? {};
  const certificates: RememberedThresholds = {};
  for (const [arn, entry] of Object.entries(previous)) {
    if (!arnPath(arn)?.startsWith(pathPrefix)) certificates[arn] = entry;
  }
  for (const [arn, { expiration, threshold }] of Object.entries(seen)) certificates[arn] = { expiration, threshold };
  const document: MemoryDocument = { version: 1, certificates: sortKeys(certificates) };
  const secretString = JSON.stringify(document);
  const token = createHash('sha256').update(secretString).digest('hex');
  try {
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: secretString, ClientRequestToken: token }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw translateSecretsError(error, secretId);
    try {
      await secrets.send(
        new CreateSecretCommand({
          Name: secretId,
          SecretString: secretString,
          ClientRequestToken: token,
          Description: 'keyturn check-iam-cert-expiry: thresholds seen by the last run (no secret material)',
        }),
      );
    } catch (createError) {
      // Created by a concurrent run between our two calls: write over it.
      if (!(createError instanceof ResourceExistsException)) throw createError;
      await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: secretString, ClientRequestToken: token }));
    }
  }
  log.info('thresholds remembered', { secretId, pathPrefix, certificates: Object.keys(seen).length });
}

/** `arn:aws:iam::123456789012:server-certificate/path/name` → `/path/`. */
function arnPath(arn: string): string | undefined {
  const resource = /:server-certificate(\/.*)$/.exec(arn)?.[1];
  if (!resource) return undefined;
  return resource.slice(0, resource.lastIndexOf('/') + 1);
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Records what this run saw, for the next run to compare against. */
export async function rememberThresholds(
  secrets: Secrets,
  secretId: string,
  run: {
    pathPrefix: string;
    thresholdsDays: number[];
    certificates: Array<{ arn: string; expiration: string; daysLeft: number; severity: Severity }>;
  },
  log: Log,
): Promise<void> {
  const seen: RememberedThresholds = {};
  for (const c of run.certificates) {
    seen[c.arn] = {
      expiration: c.expiration,
      threshold: c.severity === 'expired' ? 'expired' : thresholdFor(c.daysLeft, run.thresholdsDays),
    };
  }
  await saveRememberedThresholds(secrets, secretId, run.pathPrefix, seen, log);
}
