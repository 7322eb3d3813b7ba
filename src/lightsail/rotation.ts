/**
 * The steps of `rotate-lightsail-bucket-key`, one function per Task. Each begins by reading the
 * world and returns early when its effect is already there, so a retry or a rerun
 * after a crash (same rotationId) converges on the same end state (invariant 4).
 *
 * The secret access key exists in one place outside Lightsail: Secrets Manager. It is returned
 * by CreateBucketAccessKey only, stored as AWSPENDING in that same invocation (a key whose secret
 * could not be stored is deleted before the step fails), and read back by the test step itself.
 * Results carry access key ids and version ids only (invariant 2).
 */
import { InvalidInputException } from '@aws-sdk/client-lightsail';
import { QuotaExceededError, RotationInProgressError, UnsafeStateError } from '../errors';
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
  type SecretVersions,
} from '../secrets/credential-store';
import { accessKeySecretSchema, type AccessKeySecret } from './access-key-secret';
import {
  createBucketKey,
  deleteBucketKey,
  listBucketKeys,
  MAX_KEYS_PER_BUCKET,
  usedAfter,
  type BucketKey,
  type LightsailApi,
} from './bucket-keys';
import { describeLastUse, OrphanedAccessKeyError, SpareKeyInUseError, type LastUse } from './errors';
import { promotionRecordIn, readPromotionRecord, writePromotionRecord } from './promotion-record';
import type { RotationConfig } from './rotation-config';
import { probeBucketAccess, type S3ClientFor } from './s3-probe';
import { assertLockNotTaken, assertNoOtherRotation, credentialSecretLock, finishRotation, type RotationLock } from '../rotation/lock';
import type { RotationTarget } from '../rotation/undo';

export interface RotationDeps {
  lightsail: LightsailApi;
  secrets: SecretsClient;
  /** Builds an S3 client signing with a bucket access key (src/aws/clients.ts). */
  s3For: S3ClientFor;
  /** The region the Lightsail client calls, which is the bucket's region. */
  region: string;
  log: Log;
  now: () => Date;
}

/**
 * The one secret version a rotation writes: the new key, as AWSPENDING. `rotationId` is the
 * attempt's id: a rerun after an undo stores its key under a new token (attemptRotationId).
 */
export const pendingVersionIdOf = (rotationId: string, attempt = 0) => rotationVersionId(attemptRotationId(rotationId, attempt), 'access-key');
/** This run's token: the rotation, on the attempt the first step resolved. */
const ownPendingOf = (config: RotationConfig) => pendingVersionIdOf(config.rotationId, config.attempt ?? 0);

export interface Assessment extends KeyAssessment {
  /** The key this rotation retires: the current one, or on a first rotation the bucket's unmanaged key (adopted). */
  oldAccessKeyId: string | null;
  /** What AWSCURRENT holds now (in the `retire` phase: this rotation's key). */
  current: { accessKeyId: string; versionId: string } | null;
  /** The attempt this run works on (0 unless an earlier run of this rotation was undone): goes into `config.attempt`. */
  attempt: number;
  /** What step 1 read that later steps reuse instead of reading again (ids and flags only, never a secret). */
  known: KnownAtStart;
}

/** What step 1 read that travels in the state (`$.assessment.known`). */
export interface KnownAtStart {
  /** The bucket's access key ids when step 1 listed them. */
  accessKeyIds: string[];
    /** Whether the secret exists and has a version (the no-credential marker counts): else storing the key gives it one first (ensureSecret). */
  secretHasVersion: boolean;
  /** The AWSCURRENT version step 1 saw (null: none): the lock-taking step checks it has not moved. */
  currentVersionId: string | null;
  /** The key this attempt already stored as AWSPENDING (a rerun resuming it), else null. */
  ownAccessKeyId: string | null;
  /** Whether Slack was told of this rotation (the secret's tag, which DescribeSecret returns with the labels). */
  notified: boolean;
}

async function readKey(deps: RotationDeps, config: RotationConfig, versionId: string | undefined): Promise<AccessKeySecret | undefined> {
  if (!versionId) return undefined;
  const value = await readVersion(deps.secrets, config.secretId, versionId, accessKeySecretSchema);
  if (value && value.bucketName !== config.bucketName) {
    throw new UnsafeStateError(`secret ${config.secretId} version ${versionId} holds a key of bucket ${value.bucketName}, not ${config.bucketName}`);
  }
  return value;
}

/** With no key recorded as current, the key to adopt: the only one, or the only used one of two. */
function adoptable(keys: BucketKey[]): string | null {
  if (keys.length === 1) return keys[0]!.accessKeyId;
  const used = keys.filter((k) => k.lastUse !== null);
  return used.length === 1 ? used[0]!.accessKeyId : null;
}

/** Step 1: is a rotation due, and which key would it retire? Also takes the rotation lock's measure. */
export async function checkRotationDue(deps: RotationDeps, config: RotationConfig): Promise<Assessment> {
  const { bucketName, secretId, rotationId } = config;
  const keys = await listBucketKeys(deps.lightsail, bucketName);
  const versions = await describeSecretVersions(deps.secrets, secretId);
  const attempt = await resolveRotationAttempt(deps.secrets, versions, rotationId, (id) => [rotationVersionId(id, 'access-key')]);
  const pendingVersionId = pendingVersionIdOf(rotationId, attempt);
  assertNoOtherRotation(versions, [pendingVersionId]);
  const onBucket = (id: string | undefined) => keys.find((k) => k.accessKeyId === id);
  const knownWith = (ownAccessKeyId: string | null): KnownAtStart => ({
    accessKeyIds: keys.map((k) => k.accessKeyId),
    secretHasVersion: versions?.currentLabelVersionId !== undefined,
    currentVersionId: versions?.currentVersionId ?? null,
    ownAccessKeyId,
    notified: notifiedIn(versions, rotationId),
  });

  if (versions?.currentVersionId === pendingVersionId) {
    const promoted = await readKey(deps, config, versions.currentVersionId);
    const previous = await readKey(deps, config, versions.previousVersionId);
    const promotedKey = onBucket(promoted?.accessKeyId);
    const others = keys.filter((k) => k.accessKeyId !== promoted?.accessKeyId);
    // The key this rotation replaced: AWSPREVIOUS's (even if already deleted), or an adopted key older than ours.
    const old =
      previous?.accessKeyId ??
      adoptable(others.filter((k) => !promotedKey || Date.parse(k.createdAt) < Date.parse(promotedKey.createdAt)));
    return {
      due: true,
      phase: 'retire',
      firstRotation: !previous,
      reason: `rotation ${rotationId} already promoted its key; retiring the old one`,
      oldAccessKeyId: old !== promoted?.accessKeyId ? old : null,
      current: promoted ? { accessKeyId: promoted.accessKeyId, versionId: versions.currentVersionId } : null,
      attempt,
      known: knownWith(promoted?.accessKeyId ?? null),
    };
  }

  const current = await readKey(deps, config, versions?.currentVersionId);
  const currentKey = onBucket(current?.accessKeyId);
  const ownPending = versions?.pendingVersionId === pendingVersionId ? await readKey(deps, config, pendingVersionId) : undefined;
  const others = keys.filter((k) => k.accessKeyId !== ownPending?.accessKeyId);
  const oldAccessKeyId = currentKey ? currentKey.accessKeyId : adoptable(others);
  const currentRef = current && versions?.currentVersionId ? { accessKeyId: current.accessKeyId, versionId: versions.currentVersionId } : null;
  const known = knownWith(ownPending?.accessKeyId ?? null);
  const rotate = (reason: string): Assessment => ({ due: true, phase: 'rotate', firstRotation: !current, reason, oldAccessKeyId, current: currentRef, attempt, known });

  if (ownPending) return rotate(`resuming rotation ${rotationId}`);
  if (!current) {
    return rotate(`first rotation: the secret holds no current key yet${oldAccessKeyId ? `; adopting unmanaged key ${oldAccessKeyId}` : ''}`);
  }
  if (!currentKey) return rotate(`the current key ${current.accessKeyId} is not on bucket ${bucketName}`);
  const age = keyAgeVerdict(currentKey.createdAt, deps.now(), config);
  if (age.due) return rotate(age.reason);
  return { due: false, phase: 'none', firstRotation: false, reason: age.reason, oldAccessKeyId, current: currentRef, attempt, known };
}

/**
 * When the key that is not AWSCURRENT stopped being current: the recorded promotion of the current
 * version, else the creation of the current key (the earliest it can have been, so the stricter).
 */
async function retiredAtOf(deps: RotationDeps, config: RotationConfig, versions: SecretVersions | undefined, currentKey: BucketKey | undefined) {
  // DescribeSecret returned the tags with the labels: the record is read from them, not read again.
  const record = versions?.tags ? promotionRecordIn(versions.tags) : await readPromotionRecord(deps.secrets, config.secretId);
  if (record && record.versionId === versions?.currentVersionId) return record.promotedAt;
  return currentKey?.createdAt ?? deps.now().toISOString();
}

/**
 * Making room's decision (step 2), reads only: a bucket holds at most 2 keys (invariant 6). With
 * two, the key to delete is the one that is not AWSCURRENT, and only when it shows no use since it
 * was retired (or none at all); otherwise SpareKeyInUseError names the key and its last use. The
 * AWSCURRENT key is never chosen. Null when there is room (or this rotation's key is already on
 * the bucket). The dry run's plan asks the same question (rotationPlanOf).
 */
export async function spareKeyToDelete(deps: RotationDeps, config: RotationConfig, keys: BucketKey[]): Promise<BucketKey | null> {
  const { bucketName, secretId } = config;
  if (keys.length < MAX_KEYS_PER_BUCKET) return null;
  const own = await readKey(deps, config, ownPendingOf(config));
  if (own && keys.some((k) => k.accessKeyId === own.accessKeyId)) return null; // room made, key created: a rerun

  const versions = await describeSecretVersions(deps.secrets, secretId);
  // Two runs started together both pass step 1: the second key may be the other run's new one.
  assertNoOtherRotation(versions, [ownPendingOf(config)]);
  const current = await readKey(deps, config, versions?.currentVersionId);
  const currentKey = keys.find((k) => k.accessKeyId === current?.accessKeyId);
  if (currentKey) {
    const spare = keys.find((k) => k !== currentKey)!;
    const retiredAt = await retiredAtOf(deps, config, versions, currentKey);
    if (usedAfter(spare, retiredAt)) {
      throw new SpareKeyInUseError(bucketName, spare.accessKeyId, spare.lastUse, `was used after it was retired at ${retiredAt}`);
    }
    return spare;
  }
  // Neither key is recorded as current: only a never-used key can be known to be unused.
  const unused = keys.filter((k) => k.lastUse === null);
  if (unused.length !== 1) {
    const candidate = [...keys].sort((a, b) => Date.parse(a.lastUse?.date ?? '') - Date.parse(b.lastUse?.date ?? ''))[0]!;
    throw new SpareKeyInUseError(
      bucketName,
      candidate.accessKeyId,
      candidate.lastUse,
      `secret ${secretId} records neither of the bucket's keys and ${unused.length === 0 ? 'both are in use' : 'neither has been used'}`,
    );
  }
  return unused[0]!;
}

/** Step 2: deletes the key spareKeyToDelete chooses, if any; the bucket then has room for the new key. */
export async function makeRoom(
  deps: RotationDeps,
  config: RotationConfig,
  known?: Pick<KnownAtStart, 'accessKeyIds'>,
): Promise<{ keyCount: number; deletedAccessKeyId: string | null }> {
  const { bucketName, secretId } = config;
  // Step 1 listed the keys moments ago: with room on the bucket there is nothing to decide (the
  // create step's write answers a key that appeared since). A full bucket is listed again: the
  // key to delete is chosen from fresh lastUsed.
  if (known && known.accessKeyIds.length < MAX_KEYS_PER_BUCKET) return { keyCount: known.accessKeyIds.length, deletedAccessKeyId: null };
  const keys = await listBucketKeys(deps.lightsail, bucketName);
  const spare = await spareKeyToDelete(deps, config, keys);
  if (!spare) return { keyCount: keys.length, deletedAccessKeyId: null };
  // Checked again right before the delete: never remove a key another rotation has just stored.
  await assertLockNotTaken(deps.secrets, secretId, [ownPendingOf(config)]);
  await deleteBucketKey(deps.lightsail, bucketName, spare.accessKeyId, deps.log);
  deps.log.info('made room on bucket', { bucketName, accessKeyId: spare.accessKeyId, lastUse: describeLastUse(spare.lastUse) });
  return { keyCount: keys.length - 1, deletedAccessKeyId: spare.accessKeyId };
}

/**
 * Step 3: CreateBucketAccessKey and, in this same invocation, store its secret as AWSPENDING
 * (ClientRequestToken derived from the rotation, so a retry cannot store twice). If storing fails,
 * the new key is deleted before the step fails: no key ever exists whose secret is lost.
 */
export async function createAndStoreKey(
  deps: RotationDeps,
  config: RotationConfig,
  /** What step 1 read (`known`) and the key count making room left; without it, everything is read here. */
  known?: Pick<KnownAtStart, 'secretHasVersion' | 'ownAccessKeyId'> & Partial<Pick<KnownAtStart, 'currentVersionId'>> & { keyCount: number },
): Promise<{ accessKeyId: string; pendingVersionId: string }> {
  const { bucketName, secretId, rotationId } = config;
  const pendingVersionId = ownPendingOf(config);
  // Already done? Step 1 read this attempt's pending version when it held AWSPENDING (a rerun resuming it).
  const existing = known ? (known.ownAccessKeyId ? { accessKeyId: known.ownAccessKeyId } : undefined) : await readKey(deps, config, pendingVersionId);
  if (existing) {
    const keys = await listBucketKeys(deps.lightsail, bucketName);
    if (keys.some((k) => k.accessKeyId === existing.accessKeyId)) return { accessKeyId: existing.accessKeyId, pendingVersionId };
    throw new UnsafeStateError(
      `rotation ${rotationId} already stored key ${existing.accessKeyId}, which is no longer on bucket ${bucketName} (the rotation was undone): start a new rotation`,
    );
  }

  await ensureSecret(
    deps.secrets,
    { secretId, description: `Lightsail bucket access key for ${bucketName} (rotated by keyturn)`, tags: { 'managed-by': 'keyturn' }, hasVersion: known?.secretHasVersion, ...(config.kmsKeyArn ? { kmsKeyId: config.kmsKeyArn } : {}) },
    deps.log,
  );
  // The lock: step 1 read it moments ago (`known`), and it is read again after our write, which
  // is where two runs started together are told apart; without `known`, also before.
  if (!known) assertNoOtherRotation(await describeSecretVersions(deps.secrets, secretId), [pendingVersionId]);
  // The quota (invariant 6): step 1's count, less the key making room deleted; else a fresh list.
  const keyCount = known?.keyCount ?? (await listBucketKeys(deps.lightsail, bucketName)).length;
  if (keyCount >= MAX_KEYS_PER_BUCKET) {
    // Step 2 made room: a key that appeared since is another rotation's (started together with this one).
    await assertLockNotTaken(deps.secrets, secretId, [pendingVersionId]);
    throw new QuotaExceededError(`bucket ${bucketName} already holds ${keyCount} of ${MAX_KEYS_PER_BUCKET} access keys`);
  }

  let created;
  try {
    created = await createBucketKey(deps.lightsail, bucketName, deps.log);
  } catch (error) {
    // The bucket had room a moment ago: if it is full now, either a retry of this step finds the
    // key it created and stored before a crash, or a concurrent rotation created its key in between.
    if (error instanceof InvalidInputException) {
      const keys = await listBucketKeys(deps.lightsail, bucketName);
      if (keys.length >= MAX_KEYS_PER_BUCKET) {
        const own = await readKey(deps, config, pendingVersionId);
        if (own && keys.some((k) => k.accessKeyId === own.accessKeyId)) return { accessKeyId: own.accessKeyId, pendingVersionId };
        throw new RotationInProgressError(`rotation in progress: another rotation created a key on bucket ${bucketName} while this one was creating its own`, { cause: error });
      }
    }
    throw error;
  }
  const value: AccessKeySecret = { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey, bucketName, region: deps.region };
  let storeError: unknown;
  let stored: AccessKeySecret | undefined;
  try {
    // Our token answers "already stored?": the value landed under it (stored) or the token holds another one.
    if ((await putPendingVersion(deps.secrets, { secretId, versionId: pendingVersionId, value }, deps.log)).stored) stored = value;
  } catch (error) {
    storeError = error;
  }
  // Not stored by this write: read the world (the value may have landed despite an error, or a concurrent attempt may own the token).
  stored ??= await readKey(deps, config, pendingVersionId).catch(() => undefined);
  if (stored?.accessKeyId === created.accessKeyId) {
    // Two runs started together: AWSPENDING ends on the later write; the earlier one withdraws its
    // key. So does a run whose step 1 saw another AWSCURRENT than there is now (assertCurrentUnchanged).
    const lost = await assertLockNotTaken(deps.secrets, secretId, [pendingVersionId], known?.currentVersionId).then(
      () => undefined,
      (error: unknown) => (error instanceof RotationInProgressError ? error : undefined),
    );
    if (!lost) return { accessKeyId: created.accessKeyId, pendingVersionId };
    await deleteBucketKey(deps.lightsail, bucketName, created.accessKeyId, deps.log);
    deps.log.warn('another rotation took the lock: new key deleted', { bucketName, accessKeyId: created.accessKeyId });
    throw lost;
  }

  try {
    await deleteBucketKey(deps.lightsail, bucketName, created.accessKeyId, deps.log);
  } catch (deleteError) {
    deps.log.error('new key could not be deleted after its secret was not stored', { bucketName, accessKeyId: created.accessKeyId });
    throw new OrphanedAccessKeyError(bucketName, created.accessKeyId, { cause: storeError ?? deleteError });
  }
  if (stored) return { accessKeyId: stored.accessKeyId, pendingVersionId }; // the concurrent attempt's key stands
  deps.log.warn('secret not stored: new key deleted', { bucketName, accessKeyId: created.accessKeyId });
  throw storeError ?? new UnsafeStateError(`secret ${secretId} version ${pendingVersionId} could not be read back`);
}

/** Step 4: a request signed with the new key (read from Secrets Manager here, nowhere else) is accepted by the bucket. */
export async function testNewKey(
  deps: RotationDeps,
  config: RotationConfig,
  pendingVersionId: string,
): Promise<{ verified: true; accessKeyId: string }> {
  const key = await requireVersion(deps.secrets, config.secretId, pendingVersionId, accessKeySecretSchema);
  if (key.bucketName !== config.bucketName) {
    throw new UnsafeStateError(`secret ${config.secretId} version ${pendingVersionId} holds a key of bucket ${key.bucketName}`);
  }
  await probeBucketAccess(deps.s3For, key);
  deps.log.info('new key verified', { bucketName: config.bucketName, accessKeyId: key.accessKeyId });
  return { verified: true, accessKeyId: key.accessKeyId };
}

/** Step 5: AWSCURRENT moves to the new version (the old one becomes AWSPREVIOUS); the time is recorded first. */
export async function promoteNewKey(
  deps: RotationDeps,
  config: RotationConfig,
  pendingVersionId: string,
  /** The key step 3 stored under pendingVersionId (its id travels in the state); without it, read from the version. */
  accessKeyId?: string,
): Promise<{ accessKeyId: string; currentVersionId: string; previousVersionId: string | null; promotedAt: string }> {
  const { secretId } = config;
  const key = accessKeyId ? { accessKeyId } : await requireVersion(deps.secrets, secretId, pendingVersionId, accessKeySecretSchema);
  // One read of the labels and tags: the promotion record, the lock, and the version
  // RemoveFromVersionId must name (the tag written below changes no label).
  const versions = await describeSecretVersions(deps.secrets, secretId);
  const own = [pendingVersionId];
  if (versions?.currentVersionId !== pendingVersionId) assertNoOtherRotation(versions, own);
  const record = versions?.tags ? promotionRecordIn(versions.tags) : await readPromotionRecord(deps.secrets, secretId);
  let promotedAt = record?.versionId === pendingVersionId ? record.promotedAt : undefined;
  if (!promotedAt || versions?.currentVersionId !== pendingVersionId) {
    promotedAt = deps.now().toISOString();
    await writePromotionRecord(deps.secrets, secretId, { versionId: pendingVersionId, promotedAt }, deps.log);
  }
  const out = await finishRotation(deps.secrets, { secretId, ownVersionIds: own }, pendingVersionId, deps.log, versions);
  return { accessKeyId: key.accessKeyId, currentVersionId: out.currentVersionId, previousVersionId: out.previousVersionId ?? null, promotedAt };
}

export interface Retirement {
  oldAccessKeyId: string | null;
  outcome: 'deleted' | 'already-gone' | 'kept-in-use' | 'none';
  /** The old key's last use, when it was kept because of it. */
  lastUse: LastUse | null;
  promotedAt: string | null;
}

/**
 * Step 6 (after the grace Wait): delete the old key only if its lastUsed is not later than the
 * promotion. A key still in use is kept, and the outcome says where it was last used.
 */
export async function retireOldKey(
  deps: RotationDeps,
  config: RotationConfig,
  oldAccessKeyId: string | null,
  /** What step 5 made current (ids travel in the state); without it, AWSCURRENT's value is read. */
  promoted?: { accessKeyId: string; currentVersionId: string },
): Promise<Retirement> {
  if (!oldAccessKeyId) return { oldAccessKeyId: null, outcome: 'none', lastUse: null, promotedAt: null };
  const { bucketName, secretId } = config;
  // Read again after the wait: AWSCURRENT may have moved meanwhile, and the key it holds is never deleted.
  const versions = await describeSecretVersions(deps.secrets, secretId);
  const current =
    promoted && versions?.currentVersionId === promoted.currentVersionId
      ? { accessKeyId: promoted.accessKeyId }
      : await readKey(deps, config, versions?.currentVersionId);
  if (current?.accessKeyId === oldAccessKeyId) {
    throw new UnsafeStateError(`access key ${oldAccessKeyId} is still the current key of ${secretId}: never deleted`);
  }
  const keys = await listBucketKeys(deps.lightsail, bucketName);
  const old = keys.find((k) => k.accessKeyId === oldAccessKeyId);
  const promotedAt = await retiredAtOf(deps, config, versions, keys.find((k) => k.accessKeyId === current?.accessKeyId));
  if (!old) return { oldAccessKeyId, outcome: 'already-gone', lastUse: null, promotedAt };
  if (usedAfter(old, promotedAt)) {
    deps.log.warn('old key still in use: kept', { bucketName, accessKeyId: oldAccessKeyId, lastUse: describeLastUse(old.lastUse), promotedAt });
    return { oldAccessKeyId, outcome: 'kept-in-use', lastUse: old.lastUse, promotedAt };
  }
  const outcome = await deleteBucketKey(deps.lightsail, bucketName, oldAccessKeyId, deps.log);
  return { oldAccessKeyId, outcome, lastUse: null, promotedAt };
}

/**
 * The compensation's view of a Lightsail rotation (src/rotation/undo.ts, invariant 3): the lock is
 * the credential's secret; what it made is the access key in its pending version, deleted from
 * the bucket unless it was already promoted (then it is in use and stays) or it is the very key
 * AWSCURRENT holds (a resumed rotation whose key was recorded twice).
 */
export function undoAdapter(deps: RotationDeps, config: RotationConfig): { target: RotationTarget<AccessKeySecret>; lock: RotationLock } {
  const pendingVersionId = ownPendingOf(config);
  const lock = credentialSecretLock(deps.secrets, config.secretId, [pendingVersionId], deps.log);
  return {
    lock,
    target: {
      credential: 'key',
      logFields: { bucketName: config.bucketName },
      async findOwn() {
        const own = await readKey(deps, config, pendingVersionId);
        const current = await readKey(deps, config, (await lock.labels())?.currentVersionId);
        return own && own.accessKeyId !== current?.accessKeyId ? own : undefined;
      },
      // Promoted is the only "in use": a key nothing was switched to can go.
      inUse: async () => [],
      async removeOwn(own) {
        const outcome = await deleteBucketKey(deps.lightsail, config.bucketName, own.accessKeyId, deps.log);
        return { undone: outcome === 'deleted' ? [`deleted new access key ${own.accessKeyId} from bucket ${config.bucketName}`] : [], kept: [] };
      },
    },
  };
}

/** What a dry run reports (`dryRun: true`): what the real run would do, decided by its own rules from reads only. */
export interface RotationPlan {
  dryRun: true;
  bucketName: string;
  wouldRotate: boolean;
  reason: string;
  /**
   * Access keys the rotation would delete, in order: the spare key making room removes (a bucket
   * holds at most 2), then the old one, after the grace period, unless still used by then.
   */
  wouldDelete: string[];
  /** Whether Slack would be told (of the rotation, or of the failure that would stop it). */
  wouldAlert: boolean;
}

/** What making room would do, as the plan needs it: the key it would delete, or the error that would stop the rotation. */
export type RoomPlan = { spareAccessKeyId: string | null } | { blockedBy: SpareKeyInUseError };

/** The dry run: the assessment plus making room's own decision (spareKeyToDelete), reading only. */
export async function rotationPlanOf(deps: RotationDeps, config: RotationConfig, assessment: Assessment): Promise<RotationPlan> {
  // Making room runs only on the way to a new key; a rotation that already promoted skips it.
  if (assessment.phase !== 'rotate') return rotationPlan(config, assessment, { spareAccessKeyId: null });
  const keys = await listBucketKeys(deps.lightsail, config.bucketName);
  const room = await spareKeyToDelete(deps, { ...config, attempt: assessment.attempt }, keys).then(
    (spare): RoomPlan => ({ spareAccessKeyId: spare?.accessKeyId ?? null }),
    (error: unknown): RoomPlan => {
      if (error instanceof SpareKeyInUseError) return { blockedBy: error };
      throw error;
    },
  );
  return rotationPlan(config, assessment, room);
}

export function rotationPlan(config: RotationConfig, assessment: Assessment, room: RoomPlan): RotationPlan {
  const wouldAlert = config.slackWebhookSecretId !== undefined;
  if ('blockedBy' in room) {
    // The real run stops at "Make room for the new key", changing nothing, and tells Slack why.
    const { name, message } = room.blockedBy;
    return { dryRun: true, bucketName: config.bucketName, wouldRotate: false, reason: `${assessment.reason}, but the rotation would fail making room: ${name}: ${message}`, wouldDelete: [], wouldAlert };
  }
  const wouldDelete = assessment.due ? [room.spareAccessKeyId, assessment.oldAccessKeyId].filter((id): id is string => id !== null) : [];
  return {
    dryRun: true,
    bucketName: config.bucketName,
    wouldRotate: assessment.due,
    reason: assessment.reason,
    wouldDelete: [...new Set(wouldDelete)],
    wouldAlert: assessment.due && wouldAlert,
  };
}
