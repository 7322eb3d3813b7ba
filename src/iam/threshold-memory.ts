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
 *
 * Compact, because a secret value holds at most 64 KB and an account may list 1,000
 * certificates: only certificates within a threshold are kept (one beyond every threshold has
 * nothing to have crossed from: a missing entry reads as "crossed", as a remembered `null` did),
 * keyed by path and name under the ARN prefix they share, with the expiry in epoch seconds.
 * About 45 bytes a certificate with a 20-character name; a memory that would still not fit is
 * an error that says so (MemoryTooLargeError) rather than Secrets Manager's bare 400.
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
import { MemoryTooLargeError } from './errors';

export const DEFAULT_MEMORY_SECRET_ID = 'keyturn/state/check-iam-cert-expiry';

export interface RememberedCertificate {
  /** A renewed certificate re-uploaded under the same ARN is a new certificate. */
  expiration: string;
  threshold: ExpiryClass['threshold'];
}

/** Keyed by certificate ARN. */
export type RememberedThresholds = Record<string, RememberedCertificate>;

/** Secrets Manager's limit on a SecretString, in bytes. */
export const MAX_MEMORY_BYTES = 65_536;

/** The first memory format: every certificate, keyed by ARN, ISO dates (still read). */
interface MemoryDocumentV1 {
  version: 1;
  certificates: RememberedThresholds;
}

/**
 * `[expiry, threshold]`: the expiry in epoch seconds (the ISO string when it is not a whole
 * second), the threshold in days or -1 for expired.
 */
type CompactEntry = [number | string, number];

interface MemoryDocument {
  version: 2;
  /** `arn:<partition>:iam::<account>:server-certificate`: each key is the rest of an ARN (path and name), or a whole ARN that does not start with it. */
  arnPrefix: string;
  certificates: Record<string, CompactEntry>;
}

const ARN_PREFIX = /^(arn:[^:]+:iam::[^:]*:server-certificate)\//;
const EXPIRED = -1;

function encodeExpiry(expiration: string): number | string {
  const ms = Date.parse(expiration);
  return Number.isFinite(ms) && ms % 1000 === 0 && new Date(ms).toISOString() === expiration ? ms / 1000 : expiration;
}

function decodeExpiry(value: number | string): string {
  return typeof value === 'number' ? new Date(value * 1000).toISOString() : value;
}

function encode(certificates: RememberedThresholds): MemoryDocument {
  const arns = Object.keys(certificates).sort((a, b) => a.localeCompare(b));
  const arnPrefix = ARN_PREFIX.exec(arns[0] ?? '')?.[1] ?? '';
  const compact: Record<string, CompactEntry> = {};
  for (const arn of arns) {
    const { expiration, threshold } = certificates[arn]!;
    if (threshold === null) continue;
    const key = arnPrefix && arn.startsWith(`${arnPrefix}/`) ? arn.slice(arnPrefix.length) : arn;
    compact[key] = [encodeExpiry(expiration), threshold === 'expired' ? EXPIRED : threshold];
  }
  return { version: 2, arnPrefix, certificates: compact };
}

function decode(document: MemoryDocument): RememberedThresholds {
  const certificates: RememberedThresholds = {};
  for (const [key, [expiry, threshold]] of Object.entries(document.certificates)) {
    certificates[key.startsWith('/') ? `${document.arnPrefix}${key}` : key] = {
      expiration: decodeExpiry(expiry),
      threshold: threshold === EXPIRED ? 'expired' : threshold,
    };
  }
  return certificates;
}

function isCompactEntry(value: unknown): value is CompactEntry {
  return Array.isArray(value) && value.length === 2 && ['number', 'string'].includes(typeof value[0]) && typeof value[1] === 'number';
}

/** The remembered thresholds in a stored document of either version, or undefined when it is not ours. */
function read(text: string): RememberedThresholds | undefined {
  let document: Partial<MemoryDocument> | Partial<MemoryDocumentV1> | undefined;
  try {
    document = JSON.parse(text) as Partial<MemoryDocument> | Partial<MemoryDocumentV1>;
  } catch {
    return undefined;
  }
  if (typeof document?.certificates !== 'object' || document.certificates === null) return undefined;
  if (document.version === 1) return document.certificates;
  if (document.version === 2 && typeof document.arnPrefix === 'string' && Object.values(document.certificates).every(isCompactEntry)) {
    return decode(document as MemoryDocument);
  }
  return undefined;
}

type Secrets = Pick<SecretsManagerClient, 'send'>;

/** What the memory secret holds: whether it exists at all, and the thresholds when they read as ours. */
export interface ThresholdMemory {
  found: boolean;
  remembered: RememberedThresholds | null;
  /** The AWSCURRENT version read (the next write's token derives from it) and its text. */
  current?: { versionId: string; text: string };
}

/**
 * The memory as stored. `found` travels in the state to the step that records the run, so a first
 * run creates the secret without reading it again (CreateSecret's ResourceExistsException says
 * when another run created it meanwhile).
 */
export async function readThresholdMemory(secrets: Secrets, secretId: string, log: Log): Promise<ThresholdMemory> {
  let text: string | undefined;
  let versionId: string | undefined;
  try {
    ({ SecretString: text, VersionId: versionId } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId })));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return { found: false, remembered: null };
    throw translateSecretsError(error, secretId);
  }
  const current = versionId && text !== undefined ? { current: { versionId, text } } : {};
  if (!text) return { found: true, remembered: null, ...current };
  const remembered = read(text);
  if (!remembered) {
    log.warn('threshold memory unreadable, treating this run as the first', { secretId });
    return { found: true, remembered: null, ...current };
  }
  return { found: true, remembered, ...current };
}

/**
 * The remembered thresholds, or null before the first recorded run. A memory that cannot be
 * read as ours is also null (with a warning): losing "crossed since the last run" marks is
 * better than withholding the digest itself.
 */
export async function loadRememberedThresholds(secrets: Secrets, secretId: string, log: Log): Promise<RememberedThresholds | null> {
  return (await readThresholdMemory(secrets, secretId, log)).remembered;
}

/**
 * Replaces the entries under `pathPrefix` with `seen` and keeps the others (another schedule
 * may watch another prefix). Idempotent: the version token is a hash of the document, so a
 * rerun writing the same memory is a no-op for Secrets Manager.
 *
 * `found: false` is the checking step's word that no memory existed when it looked: then there
 * is nothing to keep and the secret is created straight away. Otherwise the memory is read again
 * just before the write, so entries another prefix's run wrote meanwhile are kept (Secrets
 * Manager has no conditional write; this keeps the window to milliseconds).
 */
export async function saveRememberedThresholds(
  secrets: Secrets,
  secretId: string,
  pathPrefix: string,
  seen: RememberedThresholds,
  log: Log,
  options: { found?: boolean } = {},
): Promise<void> {
  const memory: ThresholdMemory = options.found === false ? { found: false, remembered: null } : await readThresholdMemory(secrets, secretId, log);
  const certificates: RememberedThresholds = {};
  for (const [arn, entry] of Object.entries(memory.remembered ?? {})) {
    if (!arnPath(arn)?.startsWith(pathPrefix)) certificates[arn] = entry;
  }
  for (const [arn, { expiration, threshold }] of Object.entries(seen)) certificates[arn] = { expiration, threshold };
  const document = encode(certificates);
  const secretString = JSON.stringify(document);
  const bytes = Buffer.byteLength(secretString, 'utf8');
  if (bytes > MAX_MEMORY_BYTES) throw new MemoryTooLargeError(secretId, bytes, MAX_MEMORY_BYTES, Object.keys(document.certificates).length);
  // Unchanged since the last run: nothing to write.
  if (memory.current?.text === secretString) return;
  // The token derives from the version this write replaces as well as the document: PutSecretValue
  // with a token that matches an existing version and the same value "succeeds but does nothing",
  // leaving AWSCURRENT where it is. A document equal to an older one (a certificate added, then
  // deleted) must still become current, so it gets a new token; a retry of this very write (the
  // same version replaced, the same document) keeps its token and is one write.
  const token = createHash('sha256').update(`${memory.current?.versionId ?? 'first'}\n${secretString}`).digest('hex');
  const create = () =>
    secrets.send(
      new CreateSecretCommand({
        Name: secretId,
        SecretString: secretString,
        ClientRequestToken: token,
        Description: 'keyturn check-iam-cert-expiry: thresholds seen by the last run (no secret material)',
      }),
    );
  if (!memory.found) {
    try {
      await create();
      log.info('thresholds remembered', { secretId, pathPrefix, certificates: Object.keys(seen).length, bytes });
      return;
    } catch (error) {
      // Created meanwhile (a concurrent run, or this step's own earlier attempt): merge with what is there now.
      if (error instanceof ResourceExistsException) return saveRememberedThresholds(secrets, secretId, pathPrefix, seen, log, { found: true });
      throw translateSecretsError(error, secretId);
    }
  }
  try {
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: secretString, ClientRequestToken: token }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw translateSecretsError(error, secretId);
    // Deleted between our read and our write: create it again.
    try {
      await create();
    } catch (createError) {
      // Created by a concurrent run between our two calls: write over it.
      if (!(createError instanceof ResourceExistsException)) throw createError;
      await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: secretString, ClientRequestToken: token }));
    }
  }
  log.info('thresholds remembered', { secretId, pathPrefix, certificates: Object.keys(seen).length, bytes });
}

/** `arn:aws:iam::123456789012:server-certificate/path/name` → `/path/`. */
function arnPath(arn: string): string | undefined {
  const resource = /:server-certificate(\/.*)$/.exec(arn)?.[1];
  if (!resource) return undefined;
  return resource.slice(0, resource.lastIndexOf('/') + 1);
}

/** Records what this run saw, for the next run to compare against. */
export async function rememberThresholds(
  secrets: Secrets,
  secretId: string,
  run: {
    pathPrefix: string;
    thresholdsDays: number[];
    certificates: Array<{ arn: string; expiration: string; daysLeft: number; severity: Severity }>;
    /** Whether the checking step found a memory (undefined: not known, read it). */
    memoryFound?: boolean;
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
  await saveRememberedThresholds(secrets, secretId, run.pathPrefix, seen, log, { found: run.memoryFound });
}
