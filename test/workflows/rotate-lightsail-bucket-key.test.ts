/**
 * rotate-lightsail-bucket-key, the real state-machine file on the simulator through the local
 * runner. After every run: each access key on the bucket has its secret stored (the exact secret,
 * in a labelled version) or is gone; the AWSCURRENT key passed a signed S3 request at every state
 * transition; and no secret access key appears anywhere in the run's history, output or error.
 */
import {
  CreateBucketAccessKeyCommand,
  CreateBucketCommand,
  GetBucketAccessKeysCommand,
  LightsailClient,
} from '@aws-sdk/client-lightsail';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { runWorkflow, type RunOptions, type RunResult, type Transition } from '../../src/local/runner';
import { NO_CREDENTIAL_VERSION_ID } from '../../src/secrets/credential-store';
import { currentHolder, expectNoUntestedKeyCurrent, isNoCredential } from '../support/no-credential';
import { useSimulator } from '../support/sim';

const sim = useSimulator();
const WORKFLOW = 'rotate-lightsail-bucket-key';
const BUCKET = 'media-uploads';
const SECRET = 'keyturn/lightsail/media-uploads';
const WEBHOOK = 'keyturn/slack/ops';
const DAY = 86_400;
const TASK_STATES = [
  'Check whether the key is due',
  'Make room for the new key',
  'Create the new key and store its secret',
  'Test the new key against the bucket',
  'Promote the new key',
  'Retire the old key unless it is still used',
  'Notify Slack of the rotation',
];
const WRITES = /^(Create|Delete|Put|Update|Tag|Untag|Restore)/;

interface Key {
  accessKeyId: string;
  secretAccessKey: string;
}
interface SimCall {
  service: string;
  operation: string;
  status: number;
  errorCode?: string;
}

const lightsail = () => new LightsailClient({});
const secrets = () => new SecretsManagerClient({});
const valueOf = (key: Key) => JSON.stringify({ ...key, bucketName: BUCKET, region: 'us-east-1' });

// --- Arrange helpers -------------------------------------------------------------------------

async function atSimTime<T>(offsetSeconds: number, fn: () => Promise<T>): Promise<T> {
  await sim.admin('POST', '/_sim/clock', { offsetSeconds });
  try {
    return await fn();
  } finally {
    await sim.admin('POST', '/_sim/clock', { offsetSeconds: 0 });
  }
}

async function createKey(ageDays = 0): Promise<Key> {
  return atSimTime(-ageDays * DAY, async () => {
    const { accessKey } = await lightsail().send(new CreateBucketAccessKeyCommand({ bucketName: BUCKET }));
    return { accessKeyId: accessKey!.accessKeyId!, secretAccessKey: accessKey!.secretAccessKey! };
  });
}

/** A bucket with a key of `ageDays`, stored by hand as the secret's AWSCURRENT (the routine case). */
async function seedManagedBucket(ageDays = 120): Promise<Key> {
  await lightsail().send(new CreateBucketCommand({ bucketName: BUCKET, bundleId: 'small_1_0' }));
  const key = await createKey(ageDays);
  await secrets().send(new CreateSecretCommand({ Name: SECRET, SecretString: valueOf(key) }));
  await seedWebhook();
  return key;
}

async function seedWebhook(): Promise<void> {
  await secrets().send(new CreateSecretCommand({ Name: WEBHOOK, SecretString: JSON.stringify({ url: `${sim.url}/_sim/slack/services/T0/B0/ops` }) }));
}

async function useKey(key: Key) {
  const s3 = new S3Client({ forcePathStyle: true, region: 'us-east-1', credentials: key, maxAttempts: 1 });
  try {
    return await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1 }));
  } finally {
    s3.destroy();
  }
}

const input = (extra: Record<string, unknown> = {}) => ({ bucketName: BUCKET, secretId: SECRET, slackWebhookSecretId: WEBHOOK, graceSeconds: 3600, ...extra });

// --- Observation helpers ---------------------------------------------------------------------

async function bucketKeyIds(): Promise<string[]> {
  const out = await lightsail().send(new GetBucketAccessKeysCommand({ bucketName: BUCKET }));
  return (out.accessKeys ?? []).map((k) => k.accessKeyId!).sort();
}

function simKeys(): Record<string, { secretAccessKey: string; bucketName: string; lastUsed?: unknown }> {
  const slice = sim.sim.state.services.lightsail as { accessKeys: Record<string, { secretAccessKey: string; bucketName: string }> } | undefined;
  return slice?.accessKeys ?? {};
}

async function labelledValues(): Promise<{ stages: string[]; value: Key }[]> {
  const client = secrets();
  let versions;
  try {
    versions = (await client.send(new ListSecretVersionIdsCommand({ SecretId: SECRET }))).Versions ?? [];
  } catch {
    return [];
  }
  const out = [];
  for (const v of versions.filter((x) => x.VersionStages?.length)) {
    const text = (await client.send(new GetSecretValueCommand({ SecretId: SECRET, VersionId: v.VersionId }))).SecretString!;
    if (isNoCredential(text)) continue; // the first version, before the first promotion: no key
    out.push({ stages: v.VersionStages!, value: JSON.parse(text) as Key });
  }
  return out;
}

const byStage = async (stage: string) => (await labelledValues()).find((v) => v.stages.includes(stage))?.value;

/** Invariant 3: every key on the bucket has its exact secret in a labelled version, or is gone. */
async function expectEveryKeyStored(): Promise<void> {
  const stored = await labelledValues();
  for (const [accessKeyId, key] of Object.entries(simKeys())) {
    if (key.bucketName !== BUCKET) continue;
    const match = stored.find((v) => v.value.accessKeyId === accessKeyId);
    expect(match, `access key ${accessKeyId} is on the bucket but its secret is not stored`).toBeDefined();
    expect(match!.value.secretAccessKey === key.secretAccessKey, `stored secret of ${accessKeyId} is not its secret`).toBe(true);
  }
}

interface Checked {
  result: RunResult;
  probes: number;
}

/**
 * Runs the workflow with the invariant probes on: at every transition the AWSCURRENT key signs an
 * S3 request (it must be accepted), and every secret access key ever created is remembered so the
 * run's history, output and error can be scanned for it.
 */
async function run(runInput: unknown, options: RunOptions & { consumer?: (t: Transition) => Promise<void> } = {}): Promise<Checked> {
  const seen = new Set(Object.values(simKeys()).map((k) => k.secretAccessKey));
  let probes = 0;
  const result = await runWorkflow(WORKFLOW, runInput, {
    skipWaits: true,
    ...options,
    onTransition: async (t) => {
      for (const k of Object.values(simKeys())) seen.add(k.secretAccessKey);
      const current = await byStage('AWSCURRENT');
      if (current) {
        const out = await useKey(current).catch((e: Error) => e);
        expect(out, `AWSCURRENT key ${current.accessKeyId} refused ${t.phase} "${t.state}"`).not.toBeInstanceOf(Error);
        probes += 1;
      }
      await options.consumer?.(t);
    },
  });
  for (const k of Object.values(simKeys())) seen.add(k.secretAccessKey);
  const text = JSON.stringify({ history: result.history, output: result.output, error: result.error });
  for (const secret of seen) expect(text.includes(secret), 'a secret access key leaked into the run result').toBe(false);
  await expectEveryKeyStored();
  return { result, probes };
}

async function calls(): Promise<SimCall[]> {
  return (await sim.admin<{ calls: SimCall[] }>('GET', '/_sim/calls')).calls;
}

async function slackTexts(): Promise<string[]> {
  const { messages } = await sim.admin<{ messages: { body: { text?: string; blocks?: unknown[] } }[] }>('GET', '/_sim/slack');
  return messages.map((m) => JSON.stringify(m.body));
}

/** The end state a finished rotation of `old` leaves: one key, AWSCURRENT, old one AWSPREVIOUS, no lock. */
async function expectRotatedFrom(old: Key | undefined): Promise<Key> {
  const current = await byStage('AWSCURRENT');
  expect(current).toBeDefined();
  expect(await bucketKeyIds()).toEqual([current!.accessKeyId]);
  if (old) {
    expect(current!.accessKeyId).not.toBe(old.accessKeyId);
    expect((await byStage('AWSPREVIOUS'))?.accessKeyId).toBe(old.accessKeyId);
  }
  expect(await byStage('AWSPENDING')).toBeUndefined();
  await expect(useKey(current!)).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
  return current!;
}

// --- Tests -----------------------------------------------------------------------------------

describe('rotate-lightsail-bucket-key', () => {
  it('rotates a key past its age: new key current and working, old key deleted, Slack told', async () => {
    const old = await seedManagedBucket(120);

    const { result, probes } = await run(input());

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ rotated: true, bucketName: BUCKET, oldAccessKeyId: old.accessKeyId, oldKeyOutcome: 'deleted', notified: true });
    const current = await expectRotatedFrom(old);
    expect(result.output).toMatchObject({ newAccessKeyId: current.accessKeyId });
    expect(probes).toBeGreaterThanOrEqual(2 * TASK_STATES.length);
    const slack = await slackTexts();
    expect(slack).toHaveLength(1);
    expect(slack[0]).toContain(current.accessKeyId);
  });

  it('adopts the unmanaged key of a bucket on its first rotation and deletes it once unused', async () => {
    await lightsail().send(new CreateBucketCommand({ bucketName: BUCKET, bundleId: 'small_1_0' }));
    const unmanaged = await createKey(400);
    await useKey(unmanaged); // used by its consumer before keyturn took over
    await seedWebhook();

    const { result } = await run(input());

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ oldAccessKeyId: unmanaged.accessKeyId, oldKeyOutcome: 'deleted' });
    await expectRotatedFrom(undefined);
    expect(await byStage('AWSPREVIOUS')).toBeUndefined();
  });

  describe("first rotation on Secrets Manager's rule that a secret's first version is AWSCURRENT", () => {
    async function seedHandMadeKey(): Promise<Key> {
      await lightsail().send(new CreateBucketCommand({ bucketName: BUCKET, bundleId: 'small_1_0' }));
      const handMade = await createKey(400);
      await useKey(handMade);
      await seedWebhook();
      return handMade;
    }

    it('never makes the untested key current: AWSCURRENT is the no-credential marker until the tested key is promoted', async () => {
      const handMade = await seedHandMadeKey();
      const seen: { at: string; holder: string }[] = [];

      const { result } = await run(input(), { consumer: async ({ state, phase }) => void seen.push({ at: `${phase} ${state}`, holder: await currentHolder(SECRET) }) });

      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({ oldAccessKeyId: handMade.accessKeyId, oldKeyOutcome: 'deleted' });
      expectNoUntestedKeyCurrent(seen);
    });

    it('gives a secret made by hand without a value the marker as its first version, then adopts and retires the hand-made key', async () => {
      const handMade = await seedHandMadeKey();
      await secrets().send(new CreateSecretCommand({ Name: SECRET, Description: 'made by hand, no value yet' }));

      const { result } = await run(input());

      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({ oldAccessKeyId: handMade.accessKeyId, oldKeyOutcome: 'deleted' });
      await expectRotatedFrom(undefined);
      const stages = (await secrets().send(new DescribeSecretCommand({ SecretId: SECRET }))).VersionIdsToStages ?? {};
      expect(stages[NO_CREDENTIAL_VERSION_ID]?.sort()).toEqual(['AWSPREVIOUS', 'keyturn-first-version']);
    });
  });

  it('ends without a write when the key is younger than maxKeyAgeDays', async () => {
    const key = await seedManagedBucket(10);
    const before = (await calls()).length;

    const { result } = await run(input({ maxKeyAgeDays: 30 }));

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ rotated: false, reason: 'key is 10 days old; rotation due at 30 days', bucketName: BUCKET });
    expect(await bucketKeyIds()).toEqual([key.accessKeyId]);
    expect((await calls()).slice(before).filter((c) => WRITES.test(c.operation))).toEqual([]);
  });

  it('plans without writing anything when dryRun is true', async () => {
    const key = await seedManagedBucket(120);
    await sim.admin('DELETE', '/_sim/calls');

    const { result } = await run(input({ dryRun: true }));

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ dryRun: true, bucketName: BUCKET, wouldRotate: true, reason: expect.stringMatching(/120 days old/), wouldDelete: [key.accessKeyId], wouldAlert: true });
    const all = await calls();
    expect(all.length).toBeGreaterThan(0);
    expect(all.map((c) => c.operation).filter((op) => !/^(Get|List|Describe|Head)/.test(op))).toEqual([]);
    expect(await slackTexts()).toEqual([]);
    expect(await bucketKeyIds()).toEqual([key.accessKeyId]);
    expect((await byStage('AWSCURRENT'))?.accessKeyId).toBe(key.accessKeyId);
  });

  it('rotates a young key when forced', async () => {
    const old = await seedManagedBucket(1);

    const { result } = await run(input({ force: true }));

    expect(result.status).toBe('SUCCEEDED');
    await expectRotatedFrom(old);
  });

  describe('with two keys on the bucket', () => {
    /** AWSPREVIOUS = an older key kept from an earlier rotation; AWSCURRENT = a 120-day-old key. */
    async function seedTwoKeys(): Promise<{ spare: Key; current: Key }> {
      await lightsail().send(new CreateBucketCommand({ bucketName: BUCKET, bundleId: 'small_1_0' }));
      const spare = await createKey(300);
      const current = await createKey(120);
      await secrets().send(new CreateSecretCommand({ Name: SECRET, SecretString: valueOf(spare) }));
      await secrets().send(new PutSecretValueCommand({ SecretId: SECRET, SecretString: valueOf(current) }));
      await seedWebhook();
      return { spare, current };
    }

    it('deletes the spare key when it was never used, then rotates', async () => {
      const { spare, current } = await seedTwoKeys();

      const { result } = await run(input());

      expect(result.status).toBe('SUCCEEDED');
      expect(result.history.find((e) => e.type === 'StateExited' && e.state === 'Make room for the new key')?.output).toMatchObject({
        room: { deletedAccessKeyId: spare.accessKeyId },
      });
      await expectRotatedFrom(current);
    });

    it('changes nothing and names the spare key and its last use when it was used since it was retired', async () => {
      const { spare, current } = await seedTwoKeys();
      await useKey(spare); // a consumer still on the previous key
      const before = (await calls()).length;

      const { result } = await run(input());

      expect(result.status).toBe('FAILED');
      expect(result.error?.name).toBe('SpareKeyInUseError');
      expect(result.error?.cause).toContain(spare.accessKeyId);
      expect(result.error?.cause).toMatch(/last used \d{4}-\d\d-\d\dT.* \(s3 in us-east-1\)/);
      expect(await bucketKeyIds()).toEqual([spare.accessKeyId, current.accessKeyId].sort());
      expect((await byStage('AWSCURRENT'))?.accessKeyId).toBe(current.accessKeyId);
      const writes = (await calls()).slice(before).filter((c) => c.service !== 's3' && WRITES.test(c.operation));
      expect(writes).toEqual([]);
      expect((await slackTexts()).join()).toContain('SpareKeyInUseError');
    });

    it('plans the spare key that making room would delete, then the old key, without writing anything (dryRun)', async () => {
      const { spare, current } = await seedTwoKeys();
      await sim.admin('DELETE', '/_sim/calls');

      const { result } = await run(input({ dryRun: true }));

      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toEqual({
        dryRun: true,
        bucketName: BUCKET,
        wouldRotate: true,
        reason: expect.stringMatching(/120 days old/),
        wouldDelete: [spare.accessKeyId, current.accessKeyId],
        wouldAlert: true,
      });
      expect((await calls()).map((c) => c.operation).filter((op) => !/^(Get|List|Describe|Head)/.test(op))).toEqual([]);
      expect(await slackTexts()).toEqual([]);
      expect(await bucketKeyIds()).toEqual([spare.accessKeyId, current.accessKeyId].sort());
      expect((await byStage('AWSCURRENT'))?.accessKeyId).toBe(current.accessKeyId);
    });

    it('plans no rotation, naming the spare key still in use, where the real run would stop making room (dryRun)', async () => {
      const { spare, current } = await seedTwoKeys();
      await useKey(spare);
      await sim.admin('DELETE', '/_sim/calls');

      const { result } = await run(input({ dryRun: true }));

      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toEqual({
        dryRun: true,
        bucketName: BUCKET,
        wouldRotate: false,
        reason: expect.stringMatching(new RegExp(`would fail making room: SpareKeyInUseError: .*${spare.accessKeyId}`)),
        wouldDelete: [],
        wouldAlert: true,
      });
      expect((await calls()).map((c) => c.operation).filter((op) => !/^(Get|List|Describe|Head)/.test(op))).toEqual([]);
      expect(await slackTexts()).toEqual([]);
      expect(await bucketKeyIds()).toEqual([spare.accessKeyId, current.accessKeyId].sort());
    });
  });

  it('keeps the old key and alerts Slack with where it was last used when a consumer still uses it after the grace period', async () => {
    const old = await seedManagedBucket(120);
    const consumer = async (t: Transition) => {
      if (t.state === 'Retire the old key unless it is still used' && t.phase === 'before') await useKey(old);
    };

    const { result } = await run(input(), { consumer });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ oldAccessKeyId: old.accessKeyId, oldKeyOutcome: 'kept-in-use', oldKeyLastUse: { serviceName: 's3', region: 'us-east-1' } });
    expect(await bucketKeyIds()).toContain(old.accessKeyId);
    expect((await byStage('AWSPREVIOUS'))?.accessKeyId).toBe(old.accessKeyId);
    const [alert] = await slackTexts();
    expect(alert).toContain('Old access key still in use');
    expect(alert).toContain(old.accessKeyId);
    expect(alert).toMatch(/last used \d{4}-.*\(s3 in us-east-1\)/);
  });

  it('deletes the new key when Secrets Manager refuses its secret right after it was created: no orphan', async () => {
    const old = await seedManagedBucket(120);
    await sim.admin('POST', '/_sim/faults', { service: 'secretsmanager', operation: 'PutSecretValue', error: { code: 'AccessDeniedException', status: 400 }, count: 1 });

    const { result } = await run(input());

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('AccessDeniedException');
    const lightsailWrites = (await calls()).filter((c) => c.service === 'lightsail' && WRITES.test(c.operation)).map((c) => c.operation);
    expect(lightsailWrites).toEqual(['CreateBucket', 'CreateBucketAccessKey', 'CreateBucketAccessKey', 'DeleteBucketAccessKey']);
    expect(await bucketKeyIds()).toEqual([old.accessKeyId]);
    expect((await byStage('AWSCURRENT'))?.accessKeyId).toBe(old.accessKeyId);
    const slack = (await slackTexts()).join();
    expect(slack).toContain('Create the new key and store its secret');
  });

  it('deletes each new key while Secrets Manager keeps failing through every retry', async () => {
    const old = await seedManagedBucket(120);
    await sim.admin('POST', '/_sim/faults', { service: 'secretsmanager', operation: 'PutSecretValue', error: { code: 'InternalServiceError', status: 500 }, count: -1 });

    const { result } = await run(input());
    await sim.admin('DELETE', '/_sim/faults');

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('TransientAwsError');
    expect(result.history.filter((e) => e.type === 'StateRetried').length).toBeGreaterThan(0);
    const ops = (await calls()).filter((c) => c.service === 'lightsail');
    expect(ops.filter((c) => c.operation === 'CreateBucketAccessKey' && c.status === 200).length).toBe(
      ops.filter((c) => c.operation === 'DeleteBucketAccessKey' && c.status === 200).length + 1, // + the seed's key
    );
    expect(await bucketKeyIds()).toEqual([old.accessKeyId]);
  });

  it('rides out throttling of Lightsail and Secrets Manager', async () => {
    const old = await seedManagedBucket(120);
    // Fewer than the SDK's attempts are absorbed by the SDK; 4 on CreateBucketAccessKey exhaust
    // them, so the state machine's own Retry (backoff + jitter) has to take over.
    for (const [service, operation, count] of [
      ['lightsail', 'GetBucketAccessKeys', 2],
      ['lightsail', 'CreateBucketAccessKey', 4],
      ['secretsmanager', 'PutSecretValue', 1],
      ['secretsmanager', 'UpdateSecretVersionStage', 1],
    ]) {
      await sim.admin('POST', '/_sim/faults', { service, operation, throttle: true, count });
    }

    const { result } = await run(input());

    expect(result.status).toBe('SUCCEEDED');
    expect(result.history.filter((e) => e.type === 'StateRetried').map((e) => e.state)).toContain('Create the new key and store its secret');
    expect((await calls()).some((c) => c.errorCode === 'ThrottlingException')).toBe(true);
    await expectRotatedFrom(old);
  });

  it.each([
    [{ bucketName: 'Not_A_Bucket', secretId: SECRET }, 'bucketName'],
    [{ bucketName: BUCKET, secretId: 'plain-name' }, 'secretId'],
    [{ bucketName: BUCKET, secretId: SECRET, graceSeconds: -1 }, 'graceSeconds'],
    [{ bucketName: BUCKET, secretId: SECRET, colour: 'blue' }, 'colour'],
  ])('refuses invalid input %j before any AWS write, naming the field', async (bad, field) => {
    await seedManagedBucket(120);
    const before = (await calls()).length;

    const { result } = await run(bad);

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('InvalidInputError');
    expect(result.error?.cause).toContain(field);
    expect((await calls()).slice(before).filter((c) => WRITES.test(c.operation))).toEqual([]);
  });

  describe('a crash after each step, then a rerun with the same input', () => {
    it.each(TASK_STATES)('converges after a crash after "%s"', async (state) => {
      const old = await seedManagedBucket(120);
      const executionName = `crash-${TASK_STATES.indexOf(state)}`;

      const crashed = await run(input(), { stopAfterState: state, executionName });
      expect(crashed.result.status).toBe('STOPPED');
      const rerun = await run(input(), { executionName });

      expect(rerun.result.status).toBe('SUCCEEDED');
      expect(rerun.result.output).toMatchObject({ rotated: true, oldAccessKeyId: old.accessKeyId, oldKeyOutcome: expect.stringMatching(/^(deleted|already-gone)$/) });
      await expectRotatedFrom(old);
      const tags = (await secrets().send(new DescribeSecretCommand({ SecretId: SECRET }))).Tags ?? [];
      expect(tags.map((t) => t.Key)).toContain('keyturn:promoted-at');
    });
  });
});
