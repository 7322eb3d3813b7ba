/**
 * The steps of `rotate-cloudfront-key`, one function per Task. Each begins by reading the world
 * and returns early when its effect is already there (STYLE.md 4), so a retry or a rerun after a
 * crash (same rotationId) converges on the same end state (invariant 4).
 *
 * Results carry ids and version ids only: the private key goes from node:crypto straight into
 * Secrets Manager, and the steps that need it read it back from there (invariant 2).
 */
import { createHash } from 'node:crypto';
import { QuotaExceededError, UnsafeStateError } from '../errors';
import { keyAgeVerdict, type KeyAssessment } from '../key-age';
import type { Log } from '../logger';
import {
  assertLockNotTaken,
  assertNoOtherRotation,
  attemptRotationId,
  describeSecretVersions,
  dropPending,
  ensureSecret,
  promoteToCurrent,
  putPendingVersion,
  readVersion,
  requireVersion,
  resolveRotationAttempt,
  rotationVersionId,
  underLock,
  type SecretsClient,
} from '../secrets/credential-store';
import { SignedUrlRejectedError } from './errors';
import { applyKeyGroupDelta, readKeyGroup, MAX_KEYS_PER_KEY_GROUP, type Backoff, type CloudFrontApi } from './key-group';
import { generateKeyPair, publicKeyOf } from './key-pair';
import {
  deleteManagedPublicKey,
  ensurePublicKey,
  findPublicKeyByName,
  getPublicKey,
  isManaged,
  listPublicKeys,
  MANAGED_MARKER,
  MAX_PUBLIC_KEYS_PER_ACCOUNT,
  type DeleteOutcome,
} from './public-keys';
import type { RotationConfig } from './rotation-config';
import { checkSignedUrl, type Fetch } from './signed-url-check';
import { signingKeySchema, type SigningKey } from './signing-key';

export interface RotationDeps {
  cloudFront: CloudFrontApi;
  secrets: SecretsClient;
  log: Log;
  now: () => Date;
  fetch: Fetch;
  backoff?: Backoff;
}

/**
 * The two versions a rotation writes: the key as generated, then the key with its publicKeyId.
 * `rotationId` is the attempt's id (attemptOf): a rerun after an undo writes a new pair.
 */
export function rotationVersions(rotationId: string) {
  return {
    generated: rotationVersionId(rotationId, 'key'),
    recorded: rotationVersionId(rotationId, 'recorded'),
  };
}
/** The id this run's tokens and names derive from: the rotation, on the attempt the first step resolved. */
const attemptOf = (config: RotationConfig) => attemptRotationId(config.rotationId, config.attempt ?? 0);
const versionsOf = (config: RotationConfig) => rotationVersions(attemptOf(config));
const ownVersions = (config: RotationConfig) => Object.values(versionsOf(config));

/**
 * Deterministic from the rotation and the stored key's createdAt, so a rerun finds the key it
 * already created; the rotation's hash keeps two rotations in the same second apart (names are
 * unique in the account).
 */
export function publicKeyName(keyGroupId: string, createdAt: string, rotationId: string): string {
  const stamp = createdAt.replace(/[-:]/g, '').replace(/\.\d+/, '');
  const rotation = createHash('sha256').update(rotationId).digest('hex').slice(0, 8);
  return `${MANAGED_MARKER}-${keyGroupId}-${stamp}-${rotation}`.slice(0, 128);
}

export interface OldKey {
  publicKeyId: string;
  versionId: string;
}

export interface Assessment extends KeyAssessment {
  /** The key signers used before this rotation, when keyturn stored it; null on a first rotation. */
  oldKey: OldKey | null;
  /** What AWSCURRENT holds now (in the `retire` phase: this rotation's key). */
  current: { publicKeyId: string | null; versionId: string } | null;
  /** The attempt this run works on (0 unless an earlier run of this rotation was undone): goes into `config.attempt`. */
  attempt: number;
}

/** Step 1: is a rotation due, and which key would it retire? Also takes the rotation lock's measure. */
export async function assessRotation(deps: RotationDeps, config: RotationConfig): Promise<Assessment> {
  const { keyGroupId, secretId, rotationId } = config;
  const group = await readKeyGroup(deps.cloudFront, keyGroupId);
  const versions = await describeSecretVersions(deps.secrets, secretId);
  const attempt = await resolveRotationAttempt(deps.secrets, versions, rotationId, (id) => Object.values(rotationVersions(id)));
  const own = ownVersions({ ...config, attempt });
  assertNoOtherRotation(versions, own);

  const readKey = async (versionId: string | undefined): Promise<SigningKey | undefined> =>
    versionId ? readVersion(deps.secrets, secretId, versionId, signingKeySchema) : undefined;
  const asOldKey = (key: SigningKey | undefined, versionId: string | undefined): OldKey | null =>
    key?.publicKeyId && versionId ? { publicKeyId: key.publicKeyId, versionId } : null;

  if (versions?.currentVersionId && own.includes(versions.currentVersionId)) {
    const previous = await readKey(versions.previousVersionId);
    const promoted = await readKey(versions.currentVersionId);
    return {
      current: { publicKeyId: promoted?.publicKeyId ?? null, versionId: versions.currentVersionId },
      due: true,
      phase: 'retire',
      firstRotation: !previous,
      reason: `rotation ${rotationId} already promoted its key; retiring the old one`,
      oldKey: asOldKey(previous, versions.previousVersionId),
      attempt,
    };
  }
  const current = await readKey(versions?.currentVersionId);
  if (current && current.keyGroupId !== keyGroupId) {
    throw new UnsafeStateError(`secret ${secretId} holds a key of key group ${current.keyGroupId}, not ${keyGroupId}`);
  }
  const oldKey = asOldKey(current, versions?.currentVersionId);
  const currentRef = current && versions?.currentVersionId ? { publicKeyId: current.publicKeyId, versionId: versions.currentVersionId } : null;
  const rotate = (reason: string): Assessment => ({ due: true, phase: 'rotate', firstRotation: !current, reason, oldKey, current: currentRef, attempt });

  if (versions?.pendingVersionId && own.includes(versions.pendingVersionId)) return rotate(`resuming rotation ${rotationId}`);
  if (!current) return rotate('first rotation: the secret holds no current key yet');
  if (!current.publicKeyId || !group.publicKeyIds.includes(current.publicKeyId)) {
    return rotate('the current key is not in the key group');
  }
  const age = keyAgeVerdict(current.createdAt, deps.now(), config);
  if (age.due) return rotate(age.reason);
  return { due: false, phase: 'none', firstRotation: false, reason: age.reason, oldKey, current: currentRef, attempt };
}

/** The public key this rotation created, if it got that far (found by its deterministic name). */
async function findOwnPublicKey(deps: RotationDeps, config: RotationConfig) {
  const generated = await readVersion(deps.secrets, config.secretId, versionsOf(config).generated, signingKeySchema);
  if (!generated) return undefined;
  return findPublicKeyByName(deps.cloudFront, publicKeyName(config.keyGroupId, generated.createdAt, attemptOf(config)));
}

/**
 * Step 2: fail before creating anything when the new key would not fit (invariant 6). keyturn
 * never makes room by removing a key: the ones it could remove are still in their grace period,
 * and the others are not its to remove.
 */
export async function ensureRoom(
  deps: RotationDeps,
  config: RotationConfig,
): Promise<{ keyCount: number; limit: number }> {
  const group = await readKeyGroup(deps.cloudFront, config.keyGroupId);
  const own = await findOwnPublicKey(deps, config);
  if (own && group.publicKeyIds.includes(own.id)) return { keyCount: group.publicKeyIds.length, limit: MAX_KEYS_PER_KEY_GROUP };
  if (group.publicKeyIds.length >= MAX_KEYS_PER_KEY_GROUP) {
    throw new QuotaExceededError(
      `key group ${config.keyGroupId} already holds ${group.publicKeyIds.length} of ${MAX_KEYS_PER_KEY_GROUP} keys: remove one before rotating`,
    );
  }
  if (!own && (await listPublicKeys(deps.cloudFront)).length >= MAX_PUBLIC_KEYS_PER_ACCOUNT) {
    throw new QuotaExceededError(`the account already holds ${MAX_PUBLIC_KEYS_PER_ACCOUNT} CloudFront public keys`);
  }
  return { keyCount: group.publicKeyIds.length, limit: MAX_KEYS_PER_KEY_GROUP };
}

/** Step 3: a new key pair, its private key stored as AWSPENDING before the public key exists anywhere. */
export async function storePendingKey(
  deps: RotationDeps,
  config: RotationConfig,
): Promise<{ pendingVersionId: string; createdAt: string }> {
  const { secretId } = config;
  const own = ownVersions(config);
  const versionId = versionsOf(config).generated;
  const existing = await readVersion(deps.secrets, secretId, versionId, signingKeySchema);
  if (existing) return { pendingVersionId: versionId, createdAt: existing.createdAt };

  await ensureSecret(
    deps.secrets,
    { secretId, description: `CloudFront signing key for key group ${config.keyGroupId} (rotated by keyturn)`, tags: { 'managed-by': 'keyturn' } },
    deps.log,
  );
  // Generated before the lock is checked again, so nothing slow sits between that check and the write.
  const pair = generateKeyPair(config.algorithm);
  const value: SigningKey = {
    publicKeyId: null,
    privateKey: pair.privateKey,
    keyGroupId: config.keyGroupId,
    algorithm: config.algorithm,
    createdAt: deps.now().toISOString(),
  };
  // The lock was checked in step 1; check again right before taking it to narrow the race.
  await assertLockNotTaken(deps.secrets, secretId, own);
  await putPendingVersion(deps.secrets, { secretId, versionId, value }, deps.log);
  // Two runs started together can both pass that check; AWSPENDING ends on the later write, and
  // the run whose write came first sees the other's version here and stops (its own is left unlabelled).
  await assertLockNotTaken(deps.secrets, secretId, own);
  // Read back: when a concurrent attempt won the token, its value (and createdAt) is the one that counts.
  const stored = await requireVersion(deps.secrets, secretId, versionId, signingKeySchema);
  return { pendingVersionId: versionId, createdAt: stored.createdAt };
}

/** Step 4: the CloudFront public key for the pending private key. */
export async function createNewPublicKey(
  deps: RotationDeps,
  config: RotationConfig,
): Promise<{ publicKeyId: string; publicKeyName: string }> {
  const versions = versionsOf(config);
  await assertLockNotTaken(deps.secrets, config.secretId, ownVersions(config));
  const key = await requireVersion(deps.secrets, config.secretId, versions.generated, signingKeySchema);
  const name = publicKeyName(config.keyGroupId, key.createdAt, attemptOf(config));
  const { publicKeyId } = await ensurePublicKey(
    deps.cloudFront,
    {
      name,
      encodedKey: publicKeyOf(key.privateKey),
      comment: `${MANAGED_MARKER} rotation ${config.rotationId}`,
      callerReference: rotationVersionId(attemptOf(config), 'public-key'),
    },
    deps.log,
  );
  return { publicKeyId, publicKeyName: name };
}

/**
 * Step 5: record the publicKeyId in the pending secret. Secrets Manager versions are immutable
 * (same token + other value is ResourceExistsException), so the recorded key is a second version
 * with its own token; AWSPENDING moves to it and the first one is left unlabelled.
 */
export async function recordPublicKey(
  deps: RotationDeps,
  config: RotationConfig,
  publicKeyId: string,
): Promise<{ pendingVersionId: string }> {
  const versions = versionsOf(config);
  await assertLockNotTaken(deps.secrets, config.secretId, ownVersions(config));
  const recorded = await readVersion(deps.secrets, config.secretId, versions.recorded, signingKeySchema);
  if (recorded) {
    if (recorded.publicKeyId !== publicKeyId) {
      throw new UnsafeStateError(`secret ${config.secretId} version ${versions.recorded} records ${recorded.publicKeyId}, not ${publicKeyId}`);
    }
    return { pendingVersionId: versions.recorded };
  }
  const generated = await requireVersion(deps.secrets, config.secretId, versions.generated, signingKeySchema);
  await putPendingVersion(deps.secrets, { secretId: config.secretId, versionId: versions.recorded, value: { ...generated, publicKeyId } }, deps.log);
  return { pendingVersionId: versions.recorded };
}

/** Step 6: add the new key beside the old ones. */
export async function addNewKeyToGroup(
  deps: RotationDeps,
  config: RotationConfig,
  publicKeyId: string,
): Promise<{ changed: boolean; attempts: number; keyCount: number }> {
  const out = await applyKeyGroupDelta(deps.cloudFront, config.keyGroupId, { add: publicKeyId }, { log: deps.log, backoff: deps.backoff });
  return { changed: out.changed, attempts: out.attempts, keyCount: out.publicKeyIds.length };
}

/** Step 7: a URL signed with the pending private key verifies against the key group. */
export async function testNewKey(
  deps: RotationDeps,
  config: RotationConfig,
  publicKeyId: string,
  pendingVersionId: string,
): Promise<{ verified: true; method: 'fetch' | 'local-signature' }> {
  const group = await readKeyGroup(deps.cloudFront, config.keyGroupId);
  if (!group.publicKeyIds.includes(publicKeyId)) {
    throw new SignedUrlRejectedError(config.keyGroupId, publicKeyId, 'the key is not in the key group');
  }
  const key = await requireVersion(deps.secrets, config.secretId, pendingVersionId, signingKeySchema);
  const publicKey = await getPublicKey(deps.cloudFront, publicKeyId);
  if (!publicKey || key.publicKeyId !== publicKeyId) {
    throw new SignedUrlRejectedError(config.keyGroupId, publicKeyId, 'the public key or its record is missing');
  }
  const out = await checkSignedUrl(
    { keyGroupId: config.keyGroupId, publicKeyId, privateKey: key.privateKey, encodedKey: publicKey.encodedKey, testUrlBase: config.testUrlBase },
    { fetch: deps.fetch, now: deps.now },
  );
  deps.log.info('new key verified', { keyGroupId: config.keyGroupId, publicKeyId, method: out.method });
  return { verified: true, method: out.method };
}

/** Step 8: signers switch: AWSCURRENT moves to the new version, the old one becomes AWSPREVIOUS. */
export async function promoteNewKey(
  deps: RotationDeps,
  config: RotationConfig,
  pendingVersionId: string,
): Promise<{ publicKeyId: string; currentVersionId: string; previousVersionId: string | null }> {
  const key = await requireVersion(deps.secrets, config.secretId, pendingVersionId, signingKeySchema);
  if (!key.publicKeyId) throw new UnsafeStateError(`secret ${config.secretId} version ${pendingVersionId} records no public key`);
  const out = await underLock(deps.secrets, config.secretId, ownVersions(config), () =>
    promoteToCurrent(deps.secrets, config.secretId, pendingVersionId, deps.log),
  );
  return { publicKeyId: key.publicKeyId, currentVersionId: out.currentVersionId, previousVersionId: out.previousVersionId ?? null };
}

export interface RetirementCheck {
  retire: boolean;
  reason: string;
}

/** Whether the old key is keyturn's to retire: it exists, keyturn created it, and it is not the current key. */
async function mayRetire(deps: RotationDeps, config: RotationConfig, oldKey: OldKey | null): Promise<RetirementCheck> {
  if (!oldKey) return { retire: false, reason: 'no keyturn key to retire (first rotation: the previous key is not keyturn’s)' };
  const current = await describeSecretVersions(deps.secrets, config.secretId);
  const currentKey = current?.currentVersionId
    ? await readVersion(deps.secrets, config.secretId, current.currentVersionId, signingKeySchema)
    : undefined;
  if (currentKey?.publicKeyId === oldKey.publicKeyId) {
    throw new UnsafeStateError(`public key ${oldKey.publicKeyId} is still the current key of ${config.secretId}`);
  }
  const key = await getPublicKey(deps.cloudFront, oldKey.publicKeyId);
  if (!key) return { retire: false, reason: `public key ${oldKey.publicKeyId} no longer exists` };
  if (!isManaged(key)) return { retire: false, reason: `public key ${oldKey.publicKeyId} was not created by keyturn: left in place` };
  return { retire: true, reason: 'retiring' };
}

/** Step 10 (after the grace Wait): take the old key out of the key group. */
export async function removeOldKeyFromGroup(
  deps: RotationDeps,
  config: RotationConfig,
  oldKey: OldKey | null,
): Promise<{ removed: boolean; reason: string; oldPublicKeyId: string | null; retiredAt: string | null }> {
  const check = await mayRetire(deps, config, oldKey);
  if (!check.retire || !oldKey) return { removed: false, reason: check.reason, oldPublicKeyId: oldKey?.publicKeyId ?? null, retiredAt: null };
  const out = await applyKeyGroupDelta(deps.cloudFront, config.keyGroupId, { remove: oldKey.publicKeyId }, { log: deps.log, backoff: deps.backoff });
  return {
    removed: true,
    reason: out.changed ? 'removed from the key group' : 'was no longer in the key group',
    oldPublicKeyId: oldKey.publicKeyId,
    retiredAt: deps.now().toISOString(),
  };
}

/** Step 11: delete the old public key (If-Match); only a keyturn key, only once no group holds it. */
export async function deleteOldPublicKey(
  deps: RotationDeps,
  config: RotationConfig,
  oldKey: OldKey | null,
): Promise<{ outcome: DeleteOutcome | 'skipped'; oldPublicKeyId: string | null }> {
  if (!oldKey) return { outcome: 'skipped', oldPublicKeyId: null };
  const group = await readKeyGroup(deps.cloudFront, config.keyGroupId);
  if (group.publicKeyIds.includes(oldKey.publicKeyId)) return { outcome: 'in-use', oldPublicKeyId: oldKey.publicKeyId };
  const outcome = await deleteManagedPublicKey(deps.cloudFront, oldKey.publicKeyId, deps.log);
  return { outcome, oldPublicKeyId: oldKey.publicKeyId };
}

/**
 * Compensation: undo whatever this rotation created that is not in use (invariant 3). A key that
 * was already promoted is in use and stays; otherwise our key leaves the group, is deleted, and
 * the pending version (the lock) is dropped. Idempotent; reports what it undid.
 */
export async function undoRotation(
  deps: RotationDeps,
  config: RotationConfig,
): Promise<{ undone: string[]; kept: string[] }> {
  const undone: string[] = [];
  const kept: string[] = [];
  const own = ownVersions(config);
  const versions = await describeSecretVersions(deps.secrets, config.secretId);
  if (versions?.currentVersionId && own.includes(versions.currentVersionId)) {
    kept.push(`the new key is already current (secret version ${versions.currentVersionId}): kept`);
  } else {
    const key = await findOwnPublicKey(deps, config);
    if (key) {
      const group = await readKeyGroup(deps.cloudFront, config.keyGroupId);
      if (group.publicKeyIds.includes(key.id)) {
        await applyKeyGroupDelta(deps.cloudFront, config.keyGroupId, { remove: key.id }, { log: deps.log, backoff: deps.backoff });
        undone.push(`removed public key ${key.id} from key group ${config.keyGroupId}`);
      }
      const outcome = await deleteManagedPublicKey(deps.cloudFront, key.id, deps.log);
      if (outcome === 'deleted') undone.push(`deleted public key ${key.id}`);
      else if (outcome !== 'already-gone') kept.push(`public key ${key.id}: ${outcome}`);
    }
  }
  const dropped = await dropPending(deps.secrets, config.secretId, own, deps.log);
  if (dropped.droppedVersionId) undone.push(`dropped pending secret version ${dropped.droppedVersionId}`);
  deps.log.info('rotation undone', { keyGroupId: config.keyGroupId, undone: undone.length, kept: kept.length });
  return { undone, kept };
}

/** What a dry run reports (`dryRun: true`): built from the assessment alone, so nothing is written. */
export interface RotationPlan {
  dryRun: true;
  keyGroupId: string;
  wouldRotate: boolean;
  reason: string;
  /** Public keys the rotation would delete (after the grace period). */
  wouldDelete: string[];
  /** Whether Slack would be told. */
  wouldAlert: boolean;
}

export function rotationPlan(config: RotationConfig, assessment: Assessment): RotationPlan {
  const old = assessment.oldKey?.publicKeyId;
  return {
    dryRun: true,
    keyGroupId: config.keyGroupId,
    wouldRotate: assessment.due,
    reason: assessment.reason,
    wouldDelete: assessment.due && old ? [old] : [],
    wouldAlert: assessment.due && config.slackWebhookSecretId !== undefined,
  };
}
