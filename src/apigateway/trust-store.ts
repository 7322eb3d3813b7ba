/**
 * The backend's trust store: a Secrets Manager secret whose AWSCURRENT value is the bundle of
 * client certificates the backend accepts, `{"certificates":[{clientCertificateId,
 * pemEncodedCertificate, expirationDate}]}`. The backend reads AWSCURRENT, so publishing a
 * bundle means making it AWSCURRENT.
 *
 * The rotation lock (docs/design.md "The rotation protocol", credential-store.ts): AWSCURRENT cannot
 * carry it here, because the bundle changes twice during one rotation (widened, then narrowed).
 * So a rotation first stores a *claim* version labelled AWSPENDING: a lock, not a bundle to use
 * (it trusts no certificate, so a backend that read AWSPENDING by mistake would trust nothing,
 * and it names its rotation). The label stays on the claim while the rotation publishes its
 * bundles as AWSCURRENT (they are separate versions), and is dropped when the trust store is
 * final or the rotation is undone. A pending version that is not this rotation's claim is
 * another rotation's lock. Every version id derives from the rotation id, so reruns find what
 * they already wrote.
 *
 * Secrets Manager has no compare-and-swap: each write reads the current bundle and applies only
 * its own delta (add our certificate, remove the old ones), keeping entries others added.
 */
import { GetSecretValueCommand, PutSecretValueCommand, ResourceExistsException, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { SecretNotFoundError } from '../secrets/errors';
import * as z from '../zod';
import { InvalidInputError, RotationInProgressError, UnsafeStateError } from '../errors';
import type { Log } from '../logger';
import { assertCurrentUnchanged, assertNoOtherRotation, type RotationLock } from '../rotation/lock';
import {
  CURRENT,
  parseValue,
  PENDING,
  describeSecretVersions,
  ensureSecret,
  putPendingVersion,
  requireVersion,
  rotationVersionId,
  translateSecretsError,
  type SecretsClient,
  type SecretVersions,
} from '../secrets/credential-store';

export const trustedCertificateSchema = z.looseObject({
  // Checked like an id API Gateway gives: the bundle is edited by people too, and its ids reach errors and Slack.
  clientCertificateId: z.string().check(z.regex(/^[A-Za-z0-9]{1,128}$/, 'must be an API Gateway client certificate id (letters and digits)')),
  pemEncodedCertificate: z.string().check(z.minLength(1)),
  expirationDate: z.string(),
});
export const trustBundleSchema = z.looseObject({ certificates: z.array(trustedCertificateSchema) });

export type TrustedCertificate = z.infer<typeof trustedCertificateSchema>;
export type TrustBundle = z.infer<typeof trustBundleSchema>;

/**
 * The versions one rotation writes into the trust store. The bundles are keyed by the new
 * certificate too: a rotation that was undone and rerun makes another certificate, and its
 * bundles must not collide with the first attempt's.
 */
export function trustStoreVersions(rotationId: string, newCertificateId = '') {
  return {
    /** AWSPENDING: the lock (claimValue). */
    claim: rotationVersionId(rotationId, 'claim'),
    /** AWSCURRENT once the new certificate is trusted beside the old. */
    widened: rotationVersionId(rotationId, `widened-${newCertificateId}`),
    /** AWSCURRENT once the old certificates are no longer trusted. */
    narrowed: rotationVersionId(rotationId, `narrowed-${newCertificateId}`),
    /** AWSCURRENT after an undo took the new certificate back out. */
    restored: rotationVersionId(rotationId, `restored-${newCertificateId}`),
  };
}

export const ownTrustStoreVersions = (rotationId: string): string[] => [trustStoreVersions(rotationId).claim];

export interface TrustStoreState {
  versions: SecretVersions;
  currentVersionId: string;
  bundle: TrustBundle;
}

/**
 * The version id of a trust store keyturn creates (a first rotation whose trust store does not
 * exist yet, or exists without a value): its first bundle, which trusts the certificates the
 * stages present, and which Secrets Manager makes AWSCURRENT as the first version. Fixed, so a
 * retried or racing creation with the same bundle is one write.
 */
export const FIRST_BUNDLE_VERSION_ID = 'keyturn-first-trust-bundle-000000000000000';

/** The trust store's labels and tags, or undefined when it does not exist or has no AWSCURRENT yet (a first rotation creates it). */
export async function readTrustStoreLabelsIfAny(client: SecretsClient, secretId: string): Promise<SecretVersions | undefined> {
  const versions = await describeSecretVersions(client, secretId);
  return versions?.currentVersionId ? versions : undefined;
}

/** The trust store's labels and tags only (the lock, "Slack told?"); a missing secret or AWSCURRENT is bad input. */
export async function readTrustStoreLabels(client: SecretsClient, secretId: string): Promise<SecretVersions & { currentVersionId: string }> {
  const versions = await describeSecretVersions(client, secretId);
  if (!versions) throw new InvalidInputError('trustStoreSecretId', `secret ${secretId} does not exist`);
  if (!versions.currentVersionId) throw new InvalidInputError('trustStoreSecretId', `secret ${secretId} has no AWSCURRENT version`);
  return { ...versions, currentVersionId: versions.currentVersionId };
}

/** The trust store's versions and current bundle; a missing secret or bundle is bad input. */
export async function readTrustStore(client: SecretsClient, secretId: string): Promise<TrustStoreState> {
  const versions = await readTrustStoreLabels(client, secretId);
  const bundle = await requireVersion(client, secretId, versions.currentVersionId, trustBundleSchema);
  return { versions, currentVersionId: versions.currentVersionId, bundle };
}

/**
 * Only the bundle the backend reads now (GetSecretValue of AWSCURRENT, one call): for a step that
 * checks what is trusted and writes nothing to the trust store, so needs no labels.
 */
export async function readCurrentBundle(client: SecretsClient, secretId: string): Promise<TrustBundle> {
  let out;
  try {
    out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  } catch (error) {
    const translated = translateSecretsError(error, secretId);
    if (translated instanceof SecretNotFoundError) throw new InvalidInputError('trustStoreSecretId', `secret ${secretId} has no AWSCURRENT version`, { cause: error });
    throw translated;
  }
  return parseValue(secretId, out.VersionId ?? CURRENT, out.SecretString, trustBundleSchema);
}

export const bundleHolds = (bundle: TrustBundle, clientCertificateId: string): boolean =>
  bundle.certificates.some((c) => c.clientCertificateId === clientCertificateId);

/** Secrets Manager's answer when the version a call names does not hold the label (aws-facts.md). */
const labelNotThere = (error: unknown): boolean => (error as { name?: string })?.name === 'InvalidParameterException';

/** The claim's value: the lock of `rotationId`, trusting no certificate. */
export const claimValue = (rotationId: string): TrustBundle & { lockedBy: string } => ({ lockedBy: `keyturn rotation ${rotationId}`, certificates: [] });

/**
 * Takes the lock: reads the labels, then stores the claim as AWSPENDING unless another rotation
 * holds it (the read and the write in one invocation: the step that takes the lock reads it).
 * Idempotent. `stored`: this call wrote the claim (so no earlier attempt of this rotation got as
 * far).
 *
 * A trust store that does not exist yet, or has no value, is created first with `firstBundle`
 * (what the stages present now, so the backend keeps trusting them) as its first version: the
 * claim written into an empty secret would be its first version and so AWSCURRENT, a bundle that
 * trusts nothing. Without `firstBundle`, a missing trust store is bad input.
 */
export async function claimTrustStore(
  client: SecretsClient,
  secretId: string,
  rotationId: string,
  log: Log,
  options: {
    /** The AWSCURRENT version step 1 saw (null: none yet): a trust store changed since stops the claim (assertCurrentUnchanged). */
    currentAtStart?: string | null;
    firstBundle?: () => Promise<TrustBundle>;
    description?: string;
    /** The customer managed KMS key a trust store this creates is encrypted with. */
    kmsKeyId?: string;
  } = {},
): Promise<{ claimVersionId: string; stored: boolean }> {
  let versions = options.firstBundle ? await readTrustStoreLabelsIfAny(client, secretId) : await readTrustStoreLabels(client, secretId);
  if (!versions && options.firstBundle) {
    const firstVersion = { versionId: FIRST_BUNDLE_VERSION_ID, value: await options.firstBundle() };
    await ensureSecret(client, { secretId, description: options.description ?? 'Client certificate trust store (kept by keyturn)', tags: { 'managed-by': 'keyturn' }, hasVersion: false, firstVersion, ...(options.kmsKeyId ? { kmsKeyId: options.kmsKeyId } : {}) }, log);
    versions = await readTrustStoreLabels(client, secretId);
  }
  const labels = versions!;
  const { claim } = trustStoreVersions(rotationId);
  assertNoOtherRotation(labels, [claim]);
  const { currentAtStart } = options;
  // Step 1 saw no trust store, and the one there now is the one this step (or a racing first run with the same bundle) created: unchanged.
  const createdSinceStart = currentAtStart === null && labels.currentVersionId === FIRST_BUNDLE_VERSION_ID;
  if (currentAtStart !== undefined && !createdSinceStart) assertCurrentUnchanged(labels, secretId, currentAtStart);
  if (labels.pendingVersionId === claim) return { claimVersionId: claim, stored: false };
  // DescribeSecret lists only labelled versions: an earlier attempt's released claim answers the
  // same token with its old version, unlabelled (a no-op, or ResourceExists for an older value).
  const out = await putPendingVersion(client, { secretId, versionId: claim, value: claimValue(rotationId) }, log);
  if (out.stored && out.labels?.includes(PENDING)) return { claimVersionId: claim, stored: true };
  // Take the label back. The version our read saw holding it must be named; if another rotation
  // took AWSPENDING since, that name is stale and Secrets Manager refuses: the lock is theirs.
  try {
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: PENDING,
        MoveToVersionId: claim,
        ...(labels.pendingVersionId ? { RemoveFromVersionId: labels.pendingVersionId } : {}),
      }),
    );
  } catch (error) {
    if (labelNotThere(error)) {
      throw new RotationInProgressError(`rotation in progress: another rotation took the pending label of secret ${secretId}`, { cause: error });
    }
    throw translateSecretsError(error, secretId, claim);
  }
  log.info('trust store claimed again', { secretId, versionId: claim });
  return { claimVersionId: claim, stored: false };
}

/**
 * Releases the lock: takes AWSPENDING off our claim, naming it, so Secrets Manager refuses
 * (InvalidParameterException) when the label is not there: released already, or another
 * rotation's. No read first. Idempotent; never touches another rotation's label.
 */
export async function releaseTrustStore(client: SecretsClient, secretId: string, rotationId: string, log: Log): Promise<{ released: boolean }> {
  const { claim } = trustStoreVersions(rotationId);
  try {
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: PENDING, RemoveFromVersionId: claim }));
  } catch (error) {
    const translated = translateSecretsError(error, secretId, claim);
    // Not holding the label (InvalidParameter), or no claim was ever stored (the version is not found).
    if (labelNotThere(error) || translated instanceof SecretNotFoundError) return { released: false };
    throw translated;
  }
  log.info('pending version dropped', { secretId, versionId: claim });
  return { released: true };
}

/** The trust store as a lock store of the shared undo (src/rotation/undo.ts): released, never promoted (AWSCURRENT is a bundle). */
export function trustStoreLock(client: SecretsClient, secretId: string, rotationId: string, log: Log): RotationLock {
  return {
    promotedVersionId: async () => undefined,
    async release() {
      const { released } = await releaseTrustStore(client, secretId, rotationId, log);
      return released ? `released the trust store lock (AWSPENDING of ${secretId})` : null;
    },
  };
}

/**
 * Publishes `bundle` as AWSCURRENT under version `versionId` (the old current becomes
 * AWSPREVIOUS). A version with that id that exists but is not current means the trust store
 * changed after we published it: an operator must look. The write's answer tells: a new version
 * is AWSCURRENT; the same token with the same value is a no-op that leaves AWSCURRENT elsewhere,
 * and another value is ResourceExistsException.
 */
export async function publishBundle(
  client: SecretsClient,
  options: { secretId: string; versionId: string; bundle: TrustBundle },
  log: Log,
): Promise<void> {
  const { secretId, versionId } = options;
  let labels: string[] | undefined;
  try {
    ({ VersionStages: labels } = await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: versionId, SecretString: JSON.stringify(options.bundle) })));
  } catch (error) {
    if (error instanceof ResourceExistsException) {
      throw new UnsafeStateError(`trust store ${secretId} already holds another value under version ${versionId}`, { cause: error });
    }
    throw translateSecretsError(error, secretId, versionId);
  }
  if (!labels?.includes(CURRENT)) throw new UnsafeStateError(`trust store ${secretId} changed after this rotation published version ${versionId}`);
  log.info('trust bundle published', { secretId, versionId, certificates: options.bundle.certificates.map((c) => c.clientCertificateId) });
}
