/**
 * The backend's trust store: a Secrets Manager secret whose AWSCURRENT value is the bundle of
 * client certificates the backend accepts, `{"certificates":[{clientCertificateId,
 * pemEncodedCertificate, expirationDate}]}`. The backend reads AWSCURRENT, so publishing a
 * bundle means making it AWSCURRENT.
 *
 * The rotation lock (DESIGN.md "The rotation protocol", credential-store.ts): AWSCURRENT cannot
 * carry it here, because the bundle changes twice during one rotation (widened, then narrowed).
 * So a rotation first stores a *claim* version, a copy of the bundle as it found it, labelled
 * AWSPENDING. The label stays on the claim while the rotation publishes its bundles as AWSCURRENT
 * (they are separate versions), and is dropped when the trust store is final or the rotation is
 * undone. A pending version that is not this rotation's claim is another rotation's lock.
 * Every version id derives from the rotation id, so reruns find what they already wrote.
 *
 * Secrets Manager has no compare-and-swap: each write reads the current bundle and applies only
 * its own delta (add our certificate, remove the old ones), keeping entries others added.
 */
import { GetSecretValueCommand, PutSecretValueCommand, ResourceExistsException, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { SecretNotFoundError } from '../secrets/errors';
import * as z from '../zod';
import { InvalidInputError, UnsafeStateError } from '../errors';
import type { Log } from '../logger';
import {
  assertNoOtherRotation,
  CURRENT,
  parseValue,
  PENDING,
  describeSecretVersions,
  dropPending,
  putPendingVersion,
  requireVersion,
  rotationVersionId,
  translateSecretsError,
  type SecretsClient,
  type SecretVersions,
} from '../secrets/credential-store';

export const trustedCertificateSchema = z.looseObject({
  clientCertificateId: z.string().check(z.minLength(1)),
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
    /** AWSPENDING: the lock, and the bundle as the rotation found it. */
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

/** Takes the lock: stores the claim as AWSPENDING unless another rotation holds it. Idempotent. */
/** `stored`: this call wrote the claim (so no earlier attempt of this rotation got as far). */
export async function claimTrustStore(client: SecretsClient, secretId: string, rotationId: string, log: Log): Promise<{ claimVersionId: string; stored: boolean }> {
  const state = await readTrustStore(client, secretId);
  const { claim } = trustStoreVersions(rotationId);
  assertNoOtherRotation(state.versions, [claim]);
  if (state.versions.pendingVersionId === claim) return { claimVersionId: claim, stored: false };
  if (!state.versions.stagesByVersion[claim]) {
    // The token answers "already claimed?" (an unlabelled claim of an undone attempt): ResourceExists, stored false.
    const out = await putPendingVersion(client, { secretId, versionId: claim, value: state.bundle }, log);
    return { claimVersionId: claim, stored: out.stored };
  }
  // An earlier attempt of this rotation was undone and released its claim: take the label back.
  try {
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: PENDING,
        MoveToVersionId: claim,
        ...(state.versions.pendingVersionId ? { RemoveFromVersionId: state.versions.pendingVersionId } : {}),
      }),
    );
  } catch (error) {
    throw translateSecretsError(error, secretId, claim);
  }
  log.info('trust store claimed again', { secretId, versionId: claim });
  return { claimVersionId: claim, stored: false };
}

/** Releases the lock (drops AWSPENDING from our claim). Idempotent; never touches another rotation's. */
export async function releaseTrustStore(
  client: SecretsClient,
  secretId: string,
  rotationId: string,
  log: Log,
  /** The labels the caller read in this invocation, when it moved no AWSPENDING label since. */
  versions?: SecretVersions,
): Promise<{ released: boolean }> {
  const out = await dropPending(client, secretId, ownTrustStoreVersions(rotationId), log, versions);
  return { released: out.droppedVersionId !== undefined };
}

/**
 * Publishes `bundle` as AWSCURRENT under version `versionId` (the old current becomes
 * AWSPREVIOUS). A version with that id that exists but is not current means the trust store
 * changed after we published it: an operator must look.
 */
export async function publishBundle(
  client: SecretsClient,
  state: TrustStoreState,
  options: { secretId: string; versionId: string; bundle: TrustBundle },
  log: Log,
): Promise<void> {
  const { secretId, versionId } = options;
  if (state.versions.stagesByVersion[versionId]) {
    throw new UnsafeStateError(`trust store ${secretId} changed after this rotation published version ${versionId}`);
  }
  try {
    await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: versionId, SecretString: JSON.stringify(options.bundle) }));
  } catch (error) {
    if (error instanceof ResourceExistsException) {
      throw new UnsafeStateError(`trust store ${secretId} already holds another value under version ${versionId}`, { cause: error });
    }
    throw translateSecretsError(error, secretId, versionId);
  }
  log.info('trust bundle published', { secretId, versionId, certificates: options.bundle.certificates.map((c) => c.clientCertificateId) });
}
