/**
 * The steps of `rotate-cloudfront-key`, one function per Task. Each begins by reading the world
 * and returns early when its effect is already there, so a retry or a rerun after a
 * crash (same rotationId) converges on the same end state (invariant 4).
 *
 * Results carry ids, version ids, an ETag and the new key's public half only: the private key goes
 * from node:crypto straight into Secrets Manager, and the steps that need it read it back from
 * there (invariant 2). What step 1 read travels on (Assessment.known), so later steps do not read
 * it again unless a write tells them it changed (PreconditionFailed, a taken token or name).
 */
import { createHash } from 'node:crypto';
import { QuotaExceededError, UnsafeStateError } from '../errors';
import { keyAgeVerdict, type KeyAssessment } from '../rotation/key-age';
import type { Log } from '../logger';
import {
  attemptRotationId,
  describeSecretVersions,
  ensureSecret,
  notifiedIn,
  putPendingVersion,
  readVersion,
  requireVersion,
  resolveRotationAttempt,
  rotationVersionId,
  type SecretsClient,
} from '../secrets/credential-store';
import { SignedUrlRejectedError } from './errors';
import { SecretValueInvalidError } from '../secrets/errors';
import { applyKeyGroupDelta, readKeyGroup, MAX_KEYS_PER_KEY_GROUP, type Backoff, type CloudFrontApi, type KeyGroup } from './key-group';
import { generateKeyPair, publicKeyOf, samePublicKey } from './key-pair';
import {
  deleteManagedPublicKey,
  deletePublicKeyNamed,
  ensurePublicKey,
  findPublicKeyByName,
  getPublicKey,
  isManaged,
  listPublicKeys,
  MANAGED_MARKER,
  MAX_PUBLIC_KEYS_PER_ACCOUNT,
  type DeleteOutcome,
  type PublicKeySummary,
} from './public-keys';
import { assertLockNotTaken, assertNoOtherRotation, credentialSecretLock, finishRotation, type RotationLock } from '../rotation/lock';
import type { RotationTarget } from '../rotation/undo';
import type { RotationConfig } from './rotation-config';
import { checkSignedUrl, type Fetch } from './signed-url-check';
import { isKeyturnKey, signingKeySchema, storedSigningKeySchema, type SigningKey } from './signing-key';

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
  /**
   * What step 1 read that later steps would otherwise read again (ids, ETag and flags only, no
   * secret material): the key group as it stood (ensureRoom counts it; the first UpdateKeyGroup
   * writes from its ETag, If-Match); whether the secret exists; whether this attempt stored a
   * version already (false: nothing of this rotation exists yet, so steps 2-4 need not look for
   * it); whether Slack was already told of this rotation (the secret's tag).
   */
  known: KnownAtStart;
}

export interface KnownAtStart {
  keyGroup: KeyGroup;
  /** Whether the secret exists and has a version (the no-credential marker counts): else storing the key gives it one first (ensureSecret). */
  secretHasVersion: boolean;
  /** The AWSCURRENT version step 1 saw (null: none): the lock-taking step checks it has not moved. */
  currentVersionId: string | null;
  resuming: boolean;
  notified: boolean;
}

/** Step 1: is a rotation due, and which key would it retire? Also takes the rotation lock's measure. */
export async function checkRotationDue(deps: RotationDeps, config: RotationConfig): Promise<Assessment> {
  const { keyGroupId, secretId, rotationId } = config;
  const group = await readKeyGroup(deps.cloudFront, keyGroupId);
  const versions = await describeSecretVersions(deps.secrets, secretId);
  const attempt = await resolveRotationAttempt(deps.secrets, versions, rotationId, (id) => Object.values(rotationVersions(id)));
  const own = ownVersions({ ...config, attempt });
  assertNoOtherRotation(versions, own);
  const known: KnownAtStart = {
    keyGroup: group,
    secretHasVersion: versions?.currentLabelVersionId !== undefined,
    currentVersionId: versions?.currentVersionId ?? null,
    // resolveRotationAttempt picked the first attempt none of whose versions is undone: it stored
    // something only if one of its versions still holds a label.
    resuming: own.some((v) => (versions?.stagesByVersion[v]?.length ?? 0) > 0),
    notified: notifiedIn(versions, rotationId),
  };

  // A key keyturn stored, or one a person stored before keyturn took the secret over (adopted).
  const readNamed = (versionId: string | undefined) => namedKeyOf(deps, config, group, versionId);

  if (versions?.currentVersionId && own.includes(versions.currentVersionId)) {
    const previous = await readNamed(versions.previousVersionId);
    const promoted = await readNamed(versions.currentVersionId);
    return {
      current: { publicKeyId: promoted?.publicKeyId ?? null, versionId: versions.currentVersionId },
      due: true,
      phase: 'retire',
      firstRotation: !previous?.keyturnMade,
      reason: `rotation ${rotationId} already promoted its key; retiring the old one`,
      oldKey: previous?.oldKey ?? null,
      attempt,
      known,
    };
  }
  const current = await readNamed(versions?.currentVersionId);
  const oldKey = current?.oldKey ?? null;
  const currentRef = current && versions?.currentVersionId ? { publicKeyId: current.publicKeyId, versionId: versions.currentVersionId } : null;
  const rotate = (reason: string): Assessment => ({ due: true, phase: 'rotate', firstRotation: !current?.keyturnMade, reason, oldKey, current: currentRef, attempt, known });

  if (versions?.pendingVersionId && own.includes(versions.pendingVersionId)) return rotate(`resuming rotation ${rotationId}`);
  if (!current) return rotate('first rotation: the secret holds no current key yet');
  if (!current.publicKeyId || !group.publicKeyIds.includes(current.publicKeyId)) {
    return rotate(current.keyturnMade ? 'the current key is not in the key group' : 'first rotation: the key stored by hand in the secret is not in the key group');
  }
  if (!current.createdAt) return rotate(`first rotation: adopting public key ${current.publicKeyId}, which the secret names; it is retired after the grace period`);
  const age = keyAgeVerdict(current.createdAt, deps.now(), config);
  if (age.due) return rotate(age.reason);
  return { due: false, phase: 'none', firstRotation: false, reason: age.reason, oldKey, current: currentRef, attempt, known };
}

interface NamedKey {
  /** The key's CloudFront id: as the secret names it, or found by its public half in the key group; null when neither. */
  publicKeyId: string | null;
  /** When keyturn stored it (undefined for a key stored by hand). */
  createdAt?: string;
  keyturnMade: boolean;
  /** The key this rotation retires when it replaces this version. */
  oldKey: OldKey | null;
}

/**
 * The signing key a version of the secret holds, keyturn's or stored by hand, and the public key
 * it names. A hand-made value without a publicKeyId names the public key whose material matches
 * its private key, the group's first.
 */
async function namedKeyOf(deps: RotationDeps, config: RotationConfig, group: KeyGroup, versionId: string | undefined): Promise<NamedKey | undefined> {
  if (!versionId) return undefined;
  const key = await readVersion(deps.secrets, config.secretId, versionId, storedSigningKeySchema);
  if (!key) return undefined;
  if (key.keyGroupId !== undefined && key.keyGroupId !== config.keyGroupId) {
    throw new UnsafeStateError(`secret ${config.secretId} holds a key of key group ${key.keyGroupId}, not ${config.keyGroupId}`);
  }
  const keyturnMade = isKeyturnKey(key);
  const publicKeyId = key.publicKeyId ?? (keyturnMade ? null : await groupKeyMatching(deps, config, group, versionId, key.privateKey));
  return {
    publicKeyId,
    ...(keyturnMade ? { createdAt: key.createdAt } : {}),
    keyturnMade,
    oldKey: publicKeyId ? { publicKeyId, versionId } : null,
  };
}

/** Whether `privateKey` is the private half of `encodedKey` (false when it is not a private key at all). */
function samePrivateHalf(encodedKey: string, privateKey: string): boolean {
  try {
    return samePublicKey(encodedKey, publicKeyOf(privateKey));
  } catch {
    return false;
  }
}

async function groupKeyMatching(deps: RotationDeps, config: RotationConfig, group: KeyGroup, versionId: string, privateKey: string): Promise<string | null> {
  let publicHalf: string;
  try {
    publicHalf = publicKeyOf(privateKey);
  } catch {
    // The parser's message may quote the value: keep it out of the error.
    throw new SecretValueInvalidError(config.secretId, versionId, 'privateKey: not a PEM private key');
  }
  // One listing holds every key's material (10 an account by default). The group's own key first;
  // else one already taken out of it (a rerun after the removal still deletes it).
  const matching = (await listPublicKeys(deps.cloudFront)).filter((k) => samePublicKey(k.encodedKey, publicHalf));
  return (matching.find((k) => group.publicKeyIds.includes(k.id)) ?? matching[0])?.id ?? null;
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
  known: Pick<KnownAtStart, 'keyGroup' | 'resuming'>,
): Promise<{ keyCount: number; limit: number }> {
  // The group as step 1 read it: a key someone adds meanwhile is caught by the UpdateKeyGroup's
  // own quota check after its re-read, before the key joins.
  const group = known.keyGroup;
  // A fresh attempt has stored nothing yet, so it cannot have created a public key either.
  const own = known.resuming ? await findOwnPublicKey(deps, config) : undefined;
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

/**
 * Step 3: a new key pair, its private key stored as AWSPENDING before the public key exists
 * anywhere. Returns the version id, the key's createdAt and its public half (public material,
 * for step 4): never the private key.
 */
export async function storePendingKey(
  deps: RotationDeps,
  config: RotationConfig,
  known: Pick<KnownAtStart, 'secretHasVersion' | 'resuming'> & Partial<Pick<KnownAtStart, 'currentVersionId'>>,
): Promise<{ pendingVersionId: string; createdAt: string; publicKey: string }> {
  const { secretId } = config;
  const own = ownVersions(config);
  const versionId = versionsOf(config).generated;
  const fromStored = (key: SigningKey) => ({ pendingVersionId: versionId, createdAt: key.createdAt, publicKey: publicKeyOf(key.privateKey) });
  // Already stored? Only a resumed attempt can have; a retry of this very step finds out from the token below.
  if (known.resuming) {
    const existing = await readVersion(deps.secrets, secretId, versionId, signingKeySchema);
    if (existing) return fromStored(existing);
  }

  await ensureSecret(
    deps.secrets,
    {
      secretId,
      description: `CloudFront signing key for key group ${config.keyGroupId} (rotated by keyturn)`,
      tags: { 'managed-by': 'keyturn' },
      hasVersion: known.secretHasVersion,
      ...(config.kmsKeyArn ? { kmsKeyId: config.kmsKeyArn } : {}),
    },
    deps.log,
  );
  const pair = generateKeyPair(config.algorithm);
  const value: SigningKey = {
    publicKeyId: null,
    privateKey: pair.privateKey,
    keyGroupId: config.keyGroupId,
    algorithm: config.algorithm,
    createdAt: deps.now().toISOString(),
  };
  // Step 1 found no other rotation's AWSPENDING moments ago (the lock's guard for this write).
  const { stored } = await putPendingVersion(deps.secrets, { secretId, versionId, value }, deps.log);
  // A write cannot tell whether another one landed after it: two runs started together both pass
  // step 1, AWSPENDING ends on the later write, and the run whose write came first sees the other's
  // version here and stops before creating anything in CloudFront (its own is left unlabelled).
  // The same read tells whether AWSCURRENT moved since step 1 (assertCurrentUnchanged).
  await assertLockNotTaken(deps.secrets, secretId, own, known.currentVersionId);
  if (stored) return { pendingVersionId: versionId, createdAt: value.createdAt, publicKey: pair.publicKey };
  // The token already held a value (an earlier attempt of this step stored it): that one counts.
  return fromStored(await requireVersion(deps.secrets, secretId, versionId, signingKeySchema));
}

/**
 * Step 4: the CloudFront public key for the pending private key, from `stored`, step 3's result
 * (the key's public half and createdAt): nothing is read first. The lock is checked again before
 * the next AWSPENDING write (step 5); a run that lost it meanwhile stops there, and its undo
 * deletes this key.
 */
export async function createNewPublicKey(
  deps: Pick<RotationDeps, 'cloudFront' | 'log'>,
  config: RotationConfig,
  stored: { publicKey: string; createdAt: string; resuming: boolean },
): Promise<{ publicKeyId: string; publicKeyName: string }> {
  const name = publicKeyName(config.keyGroupId, stored.createdAt, attemptOf(config));
  const { publicKeyId } = await ensurePublicKey(
    deps.cloudFront,
    {
      name,
      encodedKey: stored.publicKey,
      comment: `${MANAGED_MARKER} rotation ${config.rotationId}`,
      callerReference: rotationVersionId(attemptOf(config), 'public-key'),
    },
    deps.log,
    // A fresh attempt created no key yet; a retry of this step is answered by PublicKeyAlreadyExists.
    { lookFirst: stored.resuming },
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
  // The guard of this AWSPENDING write: never take the label from another rotation (or a person)
  // that took it since step 3.
  await assertLockNotTaken(deps.secrets, config.secretId, ownVersions(config));
  const generated = await requireVersion(deps.secrets, config.secretId, versions.generated, signingKeySchema);
  // Already recorded? The token answers: the same value again is a no-op, another value is
  // ResourceExistsException (stored: false), and then the stored one must name this key.
  const { stored } = await putPendingVersion(
    deps.secrets,
    { secretId: config.secretId, versionId: versions.recorded, value: { ...generated, publicKeyId } },
    deps.log,
  );
  if (!stored) {
    const recorded = await requireVersion(deps.secrets, config.secretId, versions.recorded, signingKeySchema);
    if (recorded.publicKeyId !== publicKeyId) {
      throw new UnsafeStateError(`secret ${config.secretId} version ${versions.recorded} records ${recorded.publicKeyId}, not ${publicKeyId}`);
    }
  }
  return { pendingVersionId: versions.recorded };
}

/** Step 6: add the new key beside the old ones. */
export async function addNewKeyToGroup(
  deps: RotationDeps,
  config: RotationConfig,
  publicKeyId: string,
  known: Pick<KnownAtStart, 'keyGroup'>,
): Promise<{ changed: boolean; attempts: number; keyCount: number }> {
  const out = await applyKeyGroupDelta(deps.cloudFront, config.keyGroupId, { add: publicKeyId }, { log: deps.log, backoff: deps.backoff, known: known.keyGroup });
  return { changed: out.changed, attempts: out.attempts, keyCount: out.publicKeyIds.length };
}

/** Step 7: a URL signed with the pending private key verifies against the key group. */
export async function testNewKey(
  deps: RotationDeps,
  config: RotationConfig,
  publicKeyId: string,
  pendingVersionId: string,
): Promise<{ verified: true; method: 'fetch' | 'local-signature' }> {
  // With a test URL, the request itself proves the group trusts the key (CloudFront answers 403
  // to a key that is missing or not in the group), so CloudFront is not read first. Without one,
  // the signature is checked locally: against the key CloudFront holds, once it is in the group.
  let encodedKey = '';
  if (!config.testUrlBase) {
    const group = await readKeyGroup(deps.cloudFront, config.keyGroupId);
    if (!group.publicKeyIds.includes(publicKeyId)) {
      throw new SignedUrlRejectedError(config.keyGroupId, publicKeyId, 'the key is not in the key group');
    }
    const publicKey = await getPublicKey(deps.cloudFront, publicKeyId);
    if (!publicKey) throw new SignedUrlRejectedError(config.keyGroupId, publicKeyId, 'the public key is missing');
    encodedKey = publicKey.encodedKey;
  }
  const key = await requireVersion(deps.secrets, config.secretId, pendingVersionId, signingKeySchema);
  if (key.publicKeyId !== publicKeyId) {
    throw new SignedUrlRejectedError(config.keyGroupId, publicKeyId, 'the pending secret does not record this key');
  }
  const out = await checkSignedUrl(
    { keyGroupId: config.keyGroupId, publicKeyId, privateKey: key.privateKey, encodedKey, testUrlBase: config.testUrlBase },
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
  /** The key step 4 created; step 7 checked that the pending version records it. */
  publicKeyId: string,
): Promise<{ publicKeyId: string; currentVersionId: string; previousVersionId: string | null }> {
  const out = await finishRotation(deps.secrets, { secretId: config.secretId, ownVersionIds: ownVersions(config) }, pendingVersionId, deps.log);
  return { publicKeyId, currentVersionId: out.currentVersionId, previousVersionId: out.previousVersionId ?? null };
}

export interface RetirementCheck {
  retire: boolean;
  reason: string;
}

/**
 * Whether the old key is to be retired: the one the secret named before this rotation (keyturn's,
 * or one stored by hand and so adopted), it still exists, and it is not the current key. A key the
 * secret never named is never retired (invariant 5).
 */
async function mayRetire(deps: RotationDeps, config: RotationConfig, oldKey: OldKey | null): Promise<RetirementCheck> {
  if (!oldKey) return { retire: false, reason: 'no key to retire: the secret named no key of the group before this rotation' };
  const current = await describeSecretVersions(deps.secrets, config.secretId);
  // AWSCURRENT may have been moved back to the old version meanwhile, even to a key stored by hand.
  const currentKey = current?.currentVersionId
    ? await readVersion(deps.secrets, config.secretId, current.currentVersionId, storedSigningKeySchema)
    : undefined;
  const key = await getPublicKey(deps.cloudFront, oldKey.publicKeyId);
  const signsWithOld =
    currentKey?.publicKeyId === oldKey.publicKeyId || (currentKey && !currentKey.publicKeyId && key && samePrivateHalf(key.encodedKey, currentKey.privateKey));
  if (signsWithOld) throw new UnsafeStateError(`public key ${oldKey.publicKeyId} is still the current key of ${config.secretId}`);
  if (!key) return { retire: false, reason: `public key ${oldKey.publicKeyId} no longer exists` };
  return { retire: true, reason: isManaged(key) ? 'retiring' : 'retiring the adopted key the secret named' };
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
  // The key the secret named: keyturn's, or adopted (so not necessarily marked as keyturn's).
  const outcome = await deletePublicKeyNamed(deps.cloudFront, oldKey.publicKeyId, deps.log);
  return { outcome, oldPublicKeyId: oldKey.publicKeyId };
}

/**
 * The compensation's view of a CloudFront rotation (src/rotation/undo.ts, invariant 3): the lock
 * is the credential's secret; what it made is the public key named after it, which leaves the
 * group and is deleted unless its private key was already promoted (then it is in use and stays).
 */
export function undoAdapter(deps: RotationDeps, config: RotationConfig): { target: RotationTarget<PublicKeySummary>; lock: RotationLock } {
  return {
    lock: credentialSecretLock(deps.secrets, config.secretId, ownVersions(config), deps.log),
    target: {
      credential: 'key',
      logFields: { keyGroupId: config.keyGroupId },
      findOwn: () => findOwnPublicKey(deps, config),
      // Promoted is the only "in use": a key in the group that signs nothing yet can go.
      inUse: async () => [],
      async removeOwn(key) {
        const undone: string[] = [];
        const kept: string[] = [];
        const group = await readKeyGroup(deps.cloudFront, config.keyGroupId);
        if (group.publicKeyIds.includes(key.id)) {
          await applyKeyGroupDelta(deps.cloudFront, config.keyGroupId, { remove: key.id }, { log: deps.log, backoff: deps.backoff });
          undone.push(`removed public key ${key.id} from key group ${config.keyGroupId}`);
        }
        const outcome = await deleteManagedPublicKey(deps.cloudFront, key.id, deps.log);
        if (outcome === 'deleted') undone.push(`deleted public key ${key.id}`);
        else if (outcome !== 'already-gone') kept.push(`public key ${key.id}: ${outcome}`);
        return { undone, kept };
      },
    },
  };
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
