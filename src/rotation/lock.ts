/**
 * The rotation lock and the finish (docs/design.md, "The rotation protocol"), written once for
 * every rotation. The lock is an AWSPENDING version that is this rotation's own; two stores hold
 * it: the credential's secret (CloudFront, Lightsail: the pending version is the new credential)
 * and API Gateway's trust store (a claim version: the bundle itself changes twice during a
 * rotation, so its AWSCURRENT cannot carry the lock, src/apigateway/trust-store.ts). Every step
 * asks the same questions of either store: does another rotation hold AWSPENDING
 * (assertNoOtherRotation, assertLockNotTaken), has AWSCURRENT moved since step 1
 * (assertCurrentUnchanged), did a failure come from losing the lock (underLock). Taking the lock
 * stays with the step that creates, which holds the delicate lines. The label operations
 * themselves (put, move, drop) are Secrets Manager calls in src/secrets/credential-store.ts.
 */
import { RotationInProgressError, TransientAwsError } from '../errors';
import type { Log } from '../logger';
import {
  CURRENT,
  describeSecretVersions,
  dropPending,
  promoteToCurrent,
  type SecretsClient,
  type SecretVersions,
} from '../secrets/credential-store';

/**
 * The rotation lock. A pending version that is neither ours nor also AWSCURRENT (a stale label,
 * as Secrets Manager's rotation template treats it) means another rotation is under way.
 */
export function assertNoOtherRotation(versions: SecretVersions | undefined, ownVersionIds: readonly string[]): void {
  const pending = versions?.pendingVersionId;
  if (!pending || ownVersionIds.includes(pending)) return;
  if (versions.stagesByVersion[pending]?.includes(CURRENT)) return;
  throw new RotationInProgressError(
    `rotation in progress: secret ${versions.secretId} has pending version ${pending} from another rotation`,
  );
}

/**
 * Re-reads the lock where a step of ours is about to act, or has just failed: when another
 * rotation's version holds AWSPENDING, it took the lock (two runs started together both passed
 * the first check), so this run must stop and leave the target to it (RotationInProgressError).
 * `currentAtStart` (the step that takes the lock): the AWSCURRENT version step 1 saw, which the
 * same read checks (assertCurrentUnchanged).
 */
export async function assertLockNotTaken(client: SecretsClient, secretId: string, ownVersionIds: readonly string[], currentAtStart?: string | null): Promise<void> {
  const versions = await describeSecretVersions(client, secretId);
  assertNoOtherRotation(versions, ownVersionIds);
  if (currentAtStart !== undefined) assertCurrentUnchanged(versions, secretId, currentAtStart);
}

/**
 * Step 1 decided what to rotate and what to retire from the AWSCURRENT version it saw. If that
 * moved before this run took the lock (another rotation of the same target ran and promoted in
 * between, or a person moved it), the decision no longer holds: rotating now would retire the
 * credential step 1 named, already replaced, and leave the one its own promotion displaces in
 * place. So the step that takes the lock checks it and stops (RotationInProgressError: the target
 * belongs to the rotation that moved it; what this run made is undone).
 */
export function assertCurrentUnchanged(versions: SecretVersions | undefined, secretId: string, currentAtStart: string | null): void {
  const now = versions?.currentVersionId ?? null;
  if (now === currentAtStart) return;
  throw new RotationInProgressError(
    `secret ${secretId} changed since this run's check: AWSCURRENT is ${now ?? 'on no version'}, it was ${currentAtStart ?? 'on no version'} (another rotation promoted meanwhile, or a person moved it); this run stops, leaving the target to that change`,
  );
}

/**
 * Runs a step; if it fails, checks whether the lock went to another rotation meanwhile and, if so,
 * reports that (RotationInProgressError, the step's error as its cause) instead of the symptom.
 */
export async function underLock<T>(client: SecretsClient, secretId: string, ownVersionIds: readonly string[], step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof RotationInProgressError || error instanceof TransientAwsError) throw error;
    let versions: SecretVersions | undefined;
    try {
      versions = await describeSecretVersions(client, secretId);
    } catch {
      throw error;
    }
    try {
      assertNoOtherRotation(versions, ownVersionIds);
    } catch (lockError) {
      throw new RotationInProgressError((lockError as Error).message, { cause: error });
    }
    throw error;
  }
}

/**
 * The finish: AWSCURRENT moves to this rotation's pending version (the old current becomes
 * AWSPREVIOUS, AWSPENDING is cleared). The labels it reads (RemoveFromVersionId must name the
 * version holding AWSCURRENT) first confirm the lock: another rotation's AWSPENDING stops it
 * (RotationInProgressError), so of two runs that both got this far only the lock holder promotes;
 * a failure of the move itself is reported as the lock lost when it was (underLock). Idempotent:
 * a version already current only loses its pending label.
 */
export async function finishRotation(
  secrets: SecretsClient,
  lock: { secretId: string; ownVersionIds: readonly string[] },
  pendingVersionId: string,
  log: Log,
  /** The labels the caller read just before (it wrote no label since), saving a read. */
  versions?: SecretVersions,
): Promise<{ currentVersionId: string; previousVersionId?: string }> {
  const { secretId, ownVersionIds } = lock;
  const labels = versions ?? (await describeSecretVersions(secrets, secretId));
  if (labels?.currentVersionId !== pendingVersionId) assertNoOtherRotation(labels, ownVersionIds);
  return underLock(secrets, secretId, ownVersionIds, () => promoteToCurrent(secrets, secretId, pendingVersionId, log, labels ? { versions: labels } : {}));
}

/** What the shared undo (src/rotation/undo.ts) needs of a lock store. */
export interface RotationLock {
  /**
   * The version of this rotation's that is AWSCURRENT, if any: its credential was promoted and is
   * in use, so the undo keeps it. A trust store's AWSCURRENT is a bundle, never the credential.
   */
  promotedVersionId(): Promise<string | undefined>;
  /** Releases the lock when this rotation holds it (never another's); the line the undo reports, or null. Idempotent. */
  release(): Promise<string | null>;
}

export interface CredentialSecretLock extends RotationLock {
  /** The secret's labels as the first question read them (one DescribeSecret for the undo's decisions). */
  labels(): Promise<SecretVersions | undefined>;
}

/** The lock in the credential's own secret: AWSPENDING on one of `ownVersionIds`. */
export function credentialSecretLock(secrets: SecretsClient, secretId: string, ownVersionIds: readonly string[], log: Log): CredentialSecretLock {
  let read: Promise<SecretVersions | undefined> | undefined;
  const labels = () => (read ??= describeSecretVersions(secrets, secretId));
  return {
    labels,
    async promotedVersionId() {
      const current = (await labels())?.currentVersionId;
      return current && ownVersionIds.includes(current) ? current : undefined;
    },
    async release() {
      const { droppedVersionId } = await dropPending(secrets, secretId, ownVersionIds, log);
      return droppedVersionId ? `dropped pending secret version ${droppedVersionId}` : null;
    },
  };
}
