/**
 * The credential store every rotation uses: one Secrets Manager secret per credential, driven by
 * the same version labels as Secrets Manager's own rotation (docs/design.md, "The rotation protocol").
 *
 * - AWSCURRENT: what applications read. AWSPENDING: the credential being rotated in, which is
 *   also the rotation lock: a pending version whose id is not one of this rotation's tokens
 *   belongs to another rotation (RotationInProgressError).
 * - Version ids are ClientRequestTokens derived from the rotation id (the execution name), so a
 *   retried or rerun step finds the version it already stored instead of storing a second one.
 *
 * Values are JSON objects validated by a schema the caller passes. They are never logged and never
 * appear in an error message.
 */
import { createHash } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  TagResourceCommand,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import * as z from '../zod';
import { TransientAwsError, UnsafeStateError } from '../errors';
import type { Log } from '../logger';
import { SecretNotFoundError, SecretValueInvalidError } from './errors';

export type SecretsClient = Pick<SecretsManagerClient, 'send'>;

export const CURRENT = 'AWSCURRENT';
export const PENDING = 'AWSPENDING';
export const PREVIOUS = 'AWSPREVIOUS';

/**
 * A secret's first version is AWSCURRENT whatever the write asks for (PutSecretValue: "If this
 * operation creates the first version for the secret, then Secrets Manager automatically attaches
 * the staging label AWSCURRENT to it"). So a rotation that finds no version gives the secret this
 * one before it stores its untested credential as AWSPENDING: a value that is no credential, which
 * no consumer can mistake for one, so AWSCURRENT is never an untested key. Its version id is fixed
 * (one per secret, recognised without reading it): two first rotations racing write it with the
 * same token and value, which Secrets Manager answers as one write.
 */
export const NO_CREDENTIAL_VERSION_ID = 'keyturn-no-credential-yet-0000000000000000';
export const NO_CREDENTIAL_VALUE = { keyturn: 'no credential yet: the first rotation has not promoted one' } as const;
/**
 * The label a first version is written with into a secret that exists without one (made by hand
 * with no value). Were it written without labels, AWSCURRENT would move to it from a value a person
 * stored in between; with one, it becomes AWSCURRENT only as the first version.
 */
export const FIRST_VERSION_LABEL = 'keyturn-first-version';

export interface SecretVersions {
  secretId: string;
  stagesByVersion: Record<string, string[]>;
  /** The AWSCURRENT version, unless that is the no-credential marker: the current credential's. */
  currentVersionId?: string;
  /** Whichever version holds AWSCURRENT, the marker included: a label move names it. */
  currentLabelVersionId?: string;
  pendingVersionId?: string;
  /** The AWSPREVIOUS version, unless that is the no-credential marker. */
  previousVersionId?: string;
  /** The secret's tags (DescribeSecret returns them with the labels). */
  tags?: Record<string, string>;
}

/**
 * The version id (ClientRequestToken, 32–64 characters) a rotation uses for one of its writes.
 * Hashing keeps any execution name within the length and charset limits; the purpose keeps two
 * writes of one rotation apart (same token + different value is ResourceExistsException).
 */
export function rotationVersionId(rotationId: string, purpose: string): string {
  const hash = createHash('sha256').update(`${rotationId}\n${purpose}`).digest('hex').slice(0, 40);
  return `keyturn-${purpose}-${hash}`.slice(0, 64);
}

/**
 * The id a rotation's version tokens derive from on its `attempt` (0, 1, …): a rerun after a
 * completed undo starts a fresh attempt, because the undone attempt's tokens are spent (a version
 * cannot be deleted, and a token cannot take another value). Attempt 0 is the rotation id itself.
 */
export function attemptRotationId(rotationId: string, attempt: number): string {
  return attempt === 0 ? rotationId : `${rotationId}#attempt-${attempt}`;
}

/**
 * The attempt a run of `rotationId` works on: the first whose versions are not all undone. An
 * attempt was undone when it stored a version and none of its versions holds a label any more
 * (the undo dropped AWSPENDING before promotion). DescribeSecret lists labelled versions only, so
 * an unlabelled one is found by reading its token.
 */
export async function resolveRotationAttempt(
  client: SecretsClient,
  versions: SecretVersions | undefined,
  rotationId: string,
  tokensOf: (attemptId: string) => readonly string[],
): Promise<number> {
  if (!versions) return 0;
  for (let attempt = 0; attempt < MAX_ROTATION_ATTEMPTS; attempt += 1) {
    const tokens = tokensOf(attemptRotationId(rotationId, attempt));
    if (tokens.some((t) => versions.stagesByVersion[t]?.length)) return attempt;
    if (!(await versionExists(client, versions.secretId, tokens[0]!))) return attempt;
  }
  throw new UnsafeStateError(`rotation ${rotationId} was undone ${MAX_ROTATION_ATTEMPTS} times on secret ${versions.secretId}: start a new rotation`);
}

/** Undone attempts a rotation id may pile up before a rerun is refused (each costs a read). */
const MAX_ROTATION_ATTEMPTS = 20;

async function versionExists(client: SecretsClient, secretId: string, versionId: string): Promise<boolean> {
  try {
    const out = await call(secretId, () => client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId })), versionId);
    return out?.VersionId === versionId;
  } catch (error) {
    if (error instanceof SecretNotFoundError) return false;
    throw error;
  }
}

/** Secrets Manager errors that are worth retrying from the state machine once the SDK gave up. */
export function translateSecretsError(error: unknown, secretId: string, versionId?: string): unknown {
  if (error instanceof ResourceNotFoundException) return new SecretNotFoundError(secretId, versionId, { cause: error });
  const name = (error as { name?: string })?.name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 0;
  if (/Throttl|TooManyRequests|InternalServiceError|ServiceUnavailable/.test(name) || status >= 500) {
    return new TransientAwsError(`secrets manager: ${name} on ${secretId}`, { cause: error });
  }
  return error;
}

async function call<T>(secretId: string, send: () => Promise<T>, versionId?: string): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw translateSecretsError(error, secretId, versionId);
  }
}

/** The secret's versions and their labels, or undefined when the secret does not exist. */
export async function describeSecretVersions(client: SecretsClient, secretId: string): Promise<SecretVersions | undefined> {
  try {
    const out = await call(secretId, () => client.send(new DescribeSecretCommand({ SecretId: secretId })));
    const stagesByVersion = out.VersionIdsToStages ?? {};
    const holder = (stage: string) => Object.keys(stagesByVersion).find((v) => stagesByVersion[v]?.includes(stage));
    const credential = (versionId: string | undefined) => (versionId === NO_CREDENTIAL_VERSION_ID ? undefined : versionId);
    return {
      secretId,
      stagesByVersion,
      currentVersionId: credential(holder(CURRENT)),
      currentLabelVersionId: holder(CURRENT),
      pendingVersionId: holder(PENDING),
      previousVersionId: credential(holder(PREVIOUS)),
      tags: Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    };
  } catch (error) {
    if (error instanceof SecretNotFoundError) return undefined;
    throw error;
  }
}

/** One version's value, parsed and validated; undefined when that version (or the secret) does not exist. */
export async function readVersion<T>(
  client: SecretsClient,
  secretId: string,
  versionId: string,
  schema: z.core.$ZodType<T>,
): Promise<T | undefined> {
  let text: string | undefined;
  try {
    const out = await call(
      secretId,
      () => client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId })),
      versionId,
    );
    text = out.SecretString;
  } catch (error) {
    if (error instanceof SecretNotFoundError) return undefined;
    throw error;
  }
  return parseValue(secretId, versionId, text, schema);
}

/** Like readVersion, but a missing version is an error. */
export async function requireVersion<T>(
  client: SecretsClient,
  secretId: string,
  versionId: string,
  schema: z.core.$ZodType<T>,
): Promise<T> {
  const value = await readVersion(client, secretId, versionId, schema);
  if (value === undefined) throw new SecretNotFoundError(secretId, versionId);
  return value;
}

export function parseValue<T>(secretId: string, versionId: string, text: string | undefined, schema: z.core.$ZodType<T>): T {
  if (text === undefined) throw new SecretValueInvalidError(secretId, versionId, 'has no SecretString');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message may quote the value: keep it out of the error.
    throw new SecretValueInvalidError(secretId, versionId, 'is not JSON');
  }
  const parsed = z.safeParse(schema, json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(value)';
    throw new SecretValueInvalidError(secretId, versionId, `${where}: ${issue?.code ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * Makes sure the secret exists and has a first version before a rotation stores anything as
 * AWSPENDING (NO_CREDENTIAL_VERSION_ID says why): creates it, or gives a secret made by hand
 * without a value its first version. That version is `firstVersion` (default: the no-credential
 * marker), written with a token fixed per secret, so a retried or racing write of the same value
 * is one write. `hasVersion`, when the caller read the secret moments ago (its labels travel in
 * the state), saves reading it again: false goes straight to CreateSecret.
 */
export async function ensureSecret(
  client: SecretsClient,
  options: {
    secretId: string;
    description: string;
    tags?: Record<string, string>;
    hasVersion?: boolean;
    firstVersion?: { versionId: string; value: unknown };
    /** The customer managed KMS key to encrypt a secret this creates with (default: aws/secretsmanager). */
    kmsKeyId?: string;
  },
  log: Log,
): Promise<{ created: boolean }> {
  const { secretId } = options;
  if (options.hasVersion === true) return { created: false };
  if (options.hasVersion === undefined && (await describeSecretVersions(client, secretId))?.currentLabelVersionId) return { created: false };
  const { versionId, value } = options.firstVersion ?? { versionId: NO_CREDENTIAL_VERSION_ID, value: NO_CREDENTIAL_VALUE };
  const secretString = JSON.stringify(value);
  try {
    await call(secretId, () =>
      client.send(
        new CreateSecretCommand({
          Name: secretId,
          Description: options.description,
          Tags: Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
          SecretString: secretString,
          ClientRequestToken: versionId,
          ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
        }),
      ),
    );
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    // Made otherwise (by hand, maybe with no value, or with another first value): does it have a version?
    if ((await describeSecretVersions(client, secretId))?.currentLabelVersionId) return { created: false };
    try {
      await call(
        secretId,
        () => client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: versionId, SecretString: secretString, VersionStages: [FIRST_VERSION_LABEL] })),
        versionId,
      );
    } catch (putError) {
      // Our token took another value meanwhile (a racing first write): that one is the first version.
      if (!(putError instanceof ResourceExistsException)) throw putError;
    }
    log.info('secret given its first version', { secretId, versionId });
    return { created: false };
  }
  log.info('secret created', { secretId, versionId });
  return { created: true };
}

/** The tag that records which rotation Slack was last told about (a hash: tag values are restricted). */
export const NOTIFIED_TAG = 'keyturn:notified-rotation';

const notifiedValue = (rotationId: string) => createHash('sha256').update(rotationId).digest('hex').slice(0, 40);

/** Whether the secret records that Slack was told that `rotationId` completed. */
export async function wasNotified(client: SecretsClient, secretId: string, rotationId: string): Promise<boolean> {
  const out = await call(secretId, () => client.send(new DescribeSecretCommand({ SecretId: secretId })));
  return (out.Tags ?? []).some((t) => t.Key === NOTIFIED_TAG && t.Value === notifiedValue(rotationId));
}

/** wasNotified from labels already read (describeSecretVersions): no call. */
export function notifiedIn(versions: SecretVersions | undefined, rotationId: string): boolean {
  return versions?.tags?.[NOTIFIED_TAG] === notifiedValue(rotationId);
}

/** Records on the secret that Slack was told that `rotationId` completed (idempotent: one tag, overwritten). */
export async function markNotified(client: SecretsClient, secretId: string, rotationId: string): Promise<void> {
  await call(secretId, () => client.send(new TagResourceCommand({ SecretId: secretId, Tags: [{ Key: NOTIFIED_TAG, Value: notifiedValue(rotationId) }] })));
}

/**
 * Stores a value as the AWSPENDING version `versionId`. Idempotent: an existing version with that
 * id is left as it is (the same value is a no-op that answers as a success, `stored: true`;
 * another value is ResourceExistsException, `stored: false`). `labels`: what the answer says the
 * version holds.
 */
export async function putPendingVersion<T>(
  client: SecretsClient,
  options: { secretId: string; versionId: string; value: T },
  log: Log,
): Promise<{ versionId: string; stored: boolean; labels?: string[] }> {
  const { secretId, versionId } = options;
  let labels: string[] | undefined;
  try {
    ({ VersionStages: labels } = await call(
      secretId,
      () =>
        client.send(
          new PutSecretValueCommand({
            SecretId: secretId,
            ClientRequestToken: versionId,
            SecretString: JSON.stringify(options.value),
            VersionStages: [PENDING],
          }),
        ),
      versionId,
    ));
  } catch (error) {
    if (error instanceof ResourceExistsException) {
      // Our token already holds a value: an earlier attempt stored it; that one stands.
      log.info('pending version already stored', { secretId, versionId });
      return { versionId, stored: false };
    }
    throw error;
  }
  log.info('pending version stored', { secretId, versionId });
  // The labels the version holds now, as the answer gives them: a retry with the same value (a
  // no-op) answers with the version as it is, which may have lost AWSPENDING since.
  return { versionId, stored: true, ...(labels && { labels }) };
}

/**
 * Moves AWSCURRENT to `versionId` (the old current becomes AWSPREVIOUS) and clears AWSPENDING from
 * it. Idempotent: a version that is already current only loses its pending label. The rotation's
 * finish (src/rotation/lock.ts, finishRotation) checks the lock on the same labels first.
 */
export async function promoteToCurrent(
  client: SecretsClient,
  secretId: string,
  versionId: string,
  log: Log,
  /** versions: the labels the caller read just before (it wrote no label since), saving a second read. */
  options: { versions?: SecretVersions } = {},
): Promise<{ currentVersionId: string; previousVersionId?: string }> {
  const versions = options.versions ?? (await describeSecretVersions(client, secretId));
  if (!versions) throw new SecretNotFoundError(secretId);
  if (!versions.stagesByVersion[versionId]) throw new SecretNotFoundError(secretId, versionId);
  let previousVersionId = versions.currentVersionId === versionId ? versions.previousVersionId : versions.currentVersionId;
  if (versions.currentVersionId !== versionId) {
    await call(secretId, () =>
      client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: CURRENT,
          MoveToVersionId: versionId,
          // The marker too holds AWSCURRENT until the first promotion: the move names whichever does.
          RemoveFromVersionId: versions.currentLabelVersionId,
        }),
      ),
    );
    log.info('pending version promoted to current', { secretId, versionId, previousVersionId });
  } else {
    previousVersionId = versions.previousVersionId;
  }
  if (versions.stagesByVersion[versionId]?.includes(PENDING)) {
    await call(secretId, () =>
      client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: PENDING, RemoveFromVersionId: versionId })),
    );
  }
  return { currentVersionId: versionId, previousVersionId };
}

/**
 * Releases the rotation lock: removes AWSPENDING when one of our versions holds it. Never touches
 * another rotation's pending version. Idempotent.
 */
export async function dropPending(
  client: SecretsClient,
  secretId: string,
  ownVersionIds: readonly string[],
  log: Log,
  /** The labels the caller read just before (it moved no AWSPENDING label since), saving a read. */
  known?: SecretVersions,
): Promise<{ droppedVersionId?: string }> {
  const versions = known ?? (await describeSecretVersions(client, secretId));
  const pending = versions?.pendingVersionId;
  if (!pending || !ownVersionIds.includes(pending)) return {};
  await call(secretId, () =>
    client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: PENDING, RemoveFromVersionId: pending })),
  );
  log.info('pending version dropped', { secretId, versionId: pending });
  return { droppedVersionId: pending };
}
