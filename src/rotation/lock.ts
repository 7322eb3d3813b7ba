/**
 * The rotation lock (docs/design.md, "The rotation protocol"): an AWSPENDING version that is this
 * rotation's own. Two stores hold it: the credential's secret (CloudFront, Lightsail: the pending
 * version is the new credential) and API Gateway's trust store (a claim version: the bundle
 * itself changes twice during a rotation, so its AWSCURRENT cannot carry the lock). The checks
 * every step makes against either store (another rotation's AWSPENDING, AWSCURRENT moved since
 * step 1) are `assertNoOtherRotation`, `assertLockNotTaken`, `assertCurrentUnchanged` and
 * `underLock` in src/secrets/credential-store.ts; taking the lock stays with the step that
 * creates, which holds the delicate lines. What the shared ending needs of a lock is here: the
 * credential secret's store below, the trust store's in src/apigateway/trust-store.ts.
 */
import type { Log } from '../logger';
import { describeSecretVersions, dropPending, type SecretsClient, type SecretVersions } from '../secrets/credential-store';

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
