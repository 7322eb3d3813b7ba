/**
 * rotate-cloudfront-key end to end: the real state-machine file, run by the local runner against
 * the simulator, with every claim checked against the simulator's state.
 */
import {
  CloudFrontClient,
  CreateKeyGroupCommand,
  CreatePublicKeyCommand,
  GetKeyGroupCommand,
  ListPublicKeysCommand,
} from '@aws-sdk/client-cloudfront';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runWorkflow, type RunOptions, type RunResult } from '../../src/local/runner';
import { NO_CREDENTIAL_VERSION_ID } from '../../src/secrets/credential-store';
import { currentHolder, expectNoUntestedKeyCurrent, isNoCredential } from '../support/no-credential';
import { useSimulator } from '../support/sim';

const WORKFLOW = 'rotate-cloudfront-key';
/** The Tasks of a rotation that runs to its end, in order: where the crash-and-rerun tests stop a run. */
const CRASH_POINTS = [
  'Check whether the key is due',
  'Ensure the key group has room',
  'Store a new key pair as pending',
  'Create public key',
  'Record public key in pending secret',
  'Add new key to key group',
  'Test a URL signed with the new key',
  'Promote the new key',
  'Remove old key from key group',
  'Delete old public key',
];
const SECRET_ID = 'keyturn/cloudfront/media-signing-key';
const SLACK_SECRET_ID = 'keyturn/slack/webhook';
const sim = useSimulator();
const cf = () => new CloudFrontClient({});
const sm = () => new SecretsManagerClient({});

interface Seeded {
  keyGroupId: string;
  legacyKeyId: string;
  /** The hand-made key's private half, which its signers hold (a team adopting keyturn stores it in the secret). */
  legacyPrivateKey: string;
  input: Record<string, unknown>;
}

async function createUnmanagedKey(name: string): Promise<string> {
  return (await createHandMadeKey(name)).publicKeyId;
}

/** A public key made by hand, and the private key its signers hold. */
async function createHandMadeKey(name: string): Promise<{ publicKeyId: string; privateKey: string }> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const out = await cf().send(new CreatePublicKeyCommand({ PublicKeyConfig: { Name: name, CallerReference: name, EncodedKey: pair.publicKey, Comment: 'made by hand' } }));
  return { publicKeyId: out.PublicKey?.Id ?? '', privateKey: pair.privateKey };
}

/** A key group signing with one hand-made key, a Slack webhook secret, and the workflow input. */
async function seed(extraKeys = 0): Promise<Seeded> {
  const legacy = await createHandMadeKey('legacy');
  const legacyKeyId = legacy.publicKeyId;
  const extra = await Promise.all(Array.from({ length: extraKeys }, (_, i) => createUnmanagedKey(`extra-${i}`)));
  const group = await cf().send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: 'media', Items: [legacyKeyId, ...extra] } }));
  const keyGroupId = group.KeyGroup?.Id ?? '';
  await sm().send(new CreateSecretCommand({ Name: SLACK_SECRET_ID, SecretString: JSON.stringify({ url: `${sim.url}/_sim/slack/services/T0/B0/hook` }) }));
  return {
    keyGroupId,
    legacyKeyId,
    legacyPrivateKey: legacy.privateKey,
    input: { keyGroupId, secretId: SECRET_ID, graceSeconds: 3600, slackWebhookSecretId: SLACK_SECRET_ID, testUrlBase: `${sim.url}/_sim/cloudfront/${keyGroupId}` },
  };
}

/** Invariant 2: no private key and no webhook URL anywhere the execution recorded. */
function expectNoSecrets(result: RunResult): void {
  const recorded = JSON.stringify([result.history, result.output, result.error]);
  expect(recorded).not.toContain('PRIVATE KEY');
  expect(recorded).not.toContain('/_sim/slack/');
}

async function run(input: unknown, options: RunOptions = {}): Promise<RunResult> {
  const result = await runWorkflow(WORKFLOW, input, { skipWaits: true, ...options });
  expectNoSecrets(result);
  return result;
}

async function keyGroupItems(keyGroupId: string): Promise<string[]> {
  return (await cf().send(new GetKeyGroupCommand({ Id: keyGroupId }))).KeyGroup?.KeyGroupConfig?.Items ?? [];
}

async function publicKeys() {
  return (await cf().send(new ListPublicKeysCommand({}))).PublicKeyList?.Items ?? [];
}

async function secretStages(): Promise<Record<string, string[]> | undefined> {
  try {
    return (await sm().send(new DescribeSecretCommand({ SecretId: SECRET_ID }))).VersionIdsToStages;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function currentKey(): Promise<{ publicKeyId: string; privateKey: string; createdAt: string } | undefined> {
  try {
    const out = await sm().send(new GetSecretValueCommand({ SecretId: SECRET_ID }));
    // The first version before the first promotion: no key yet.
    if (isNoCredential(out.SecretString)) return undefined;
    return JSON.parse(out.SecretString ?? '{}');
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** Status of the simulator's signed-URL probe for a URL signed with this key. */
async function probe(keyGroupId: string, key: { publicKeyId: string; privateKey: string }): Promise<number> {
  const url = getSignedUrl({
    url: `${sim.url}/_sim/cloudfront/${keyGroupId}/media/check.mp4`,
    keyPairId: key.publicKeyId,
    privateKey: key.privateKey,
    dateLessThan: new Date(Date.now() + 60_000),
  });
  return (await fetch(url)).status;
}

/**
 * Invariant 1, checked by the caller around every Task: AWSCURRENT (when there is one) signs URLs
 * that verify. `handMadeKeyId`: the Key-Pair-Id a consumer of a hand-made secret without one signs with.
 */
function currentKeyAlwaysWorks(keyGroupId: string, failures: string[], handMadeKeyId?: string): RunOptions['onTransition'] {
  return async ({ state, phase }) => {
    const key = await currentKey();
    if (key && (await probe(keyGroupId, { ...key, publicKeyId: key.publicKeyId ?? handMadeKeyId ?? '' })) !== 200) failures.push(`${phase} ${state}`);
  };
}

async function slackMessages(): Promise<{ body: { text: string; blocks: unknown[] } }[]> {
  return (await sim.admin<{ messages: { body: { text: string; blocks: unknown[] } }[] }>('GET', '/_sim/slack')).messages;
}

/** A dry run's evidence: every AWS call since the log was cleared is a read, and Slack got nothing. */
async function expectOnlyReads(): Promise<void> {
  const all = (await sim.admin<{ calls: { operation: string }[] }>('GET', '/_sim/calls')).calls;
  expect(all.length).toBeGreaterThan(0);
  expect(all.map((c) => c.operation).filter((op) => !/^(Get|List|Describe|Head)/.test(op))).toEqual([]);
  expect(await slackMessages()).toEqual([]);
}

async function calls(operation: string) {
  return (await sim.admin<{ calls: { status: number; errorCode?: string }[] }>('GET', `/_sim/calls?operation=${operation}`)).calls;
}

/** The end state, with ids replaced by their role, so runs with different ids compare equal. */
async function endState(seeded: Seeded) {
  const current = await currentKey();
  const role = (id: string) => (id === seeded.legacyKeyId ? 'legacy' : id === current?.publicKeyId ? 'current' : 'other keyturn key');
  const stages = await secretStages();
  return {
    keyGroup: (await keyGroupItems(seeded.keyGroupId)).map(role).sort(),
    publicKeys: (await publicKeys()).map((k) => role(k.Id ?? '')).sort(),
    labels: Object.values(stages ?? {}).flat().sort(),
    currentVerifies: current ? await probe(seeded.keyGroupId, current) : 'no current key',
  };
}

describe('rotate-cloudfront-key', () => {
  it('first rotation: stores a new key beside the hand-made one, which it never removes', async () => {
    const seeded = await seed();
    const failures: string[] = [];
    const result = await run(seeded.input, { onTransition: currentKeyAlwaysWorks(seeded.keyGroupId, failures) });

    expect(result.status).toBe('SUCCEEDED');
    const current = await currentKey();
    expect(result.output).toMatchObject({ rotated: true, newPublicKeyId: current?.publicKeyId, oldPublicKeyId: null, oldKeyDeletion: 'skipped', notified: true });
    expect(await keyGroupItems(seeded.keyGroupId)).toEqual([seeded.legacyKeyId, current?.publicKeyId]);
    expect(await probe(seeded.keyGroupId, current!)).toBe(200);
    // The no-credential marker, the secret's first version, stepped aside as AWSPREVIOUS: no key was ever current before this one.
    const stages = (await secretStages()) ?? {};
    expect(stages[NO_CREDENTIAL_VERSION_ID]).toEqual(['AWSPREVIOUS']);
    expect(Object.values(stages).flat().sort()).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
    expect(failures).toEqual([]);
    const [message] = await slackMessages();
    expect(JSON.stringify(message?.body)).toContain(current?.publicKeyId);
  });

  describe("first rotation on Secrets Manager's rule that a secret's first version is AWSCURRENT", () => {
    it('never makes the untested key current: AWSCURRENT is the no-credential marker until the tested key is promoted', async () => {
      const seeded = await seed();
      const seen: { at: string; holder: string }[] = [];
      const result = await run(seeded.input, { onTransition: async ({ state, phase }) => void seen.push({ at: `${phase} ${state}`, holder: await currentHolder(SECRET_ID) }) });

      expect(result.status).toBe('SUCCEEDED');
      expectNoUntestedKeyCurrent(seen);
    });

    it('gives a secret made by hand without a value the marker as its first version, then rotates into it', async () => {
      const seeded = await seed();
      await sm().send(new CreateSecretCommand({ Name: SECRET_ID, Description: 'made by hand, no value yet' }));
      const failures: string[] = [];

      const result = await run(seeded.input, { onTransition: currentKeyAlwaysWorks(seeded.keyGroupId, failures) });

      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({ rotated: true, oldPublicKeyId: null });
      expect(failures).toEqual([]);
      const stages = (await secretStages()) ?? {};
      expect(stages[NO_CREDENTIAL_VERSION_ID]?.sort()).toEqual(['AWSPREVIOUS', 'keyturn-first-version']);
      expect(await probe(seeded.keyGroupId, (await currentKey())!)).toBe(200);
    });

    it('creates the secret under the customer managed KMS key the input names (kmsKeyArn)', async () => {
      const seeded = await seed();
      const kmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

      const result = await run({ ...seeded.input, kmsKeyArn });

      expect(result.status).toBe('SUCCEEDED');
      expect((await sm().send(new DescribeSecretCommand({ SecretId: SECRET_ID }))).KmsKeyId).toBe(kmsKeyArn);
    });

    it('plans it without creating the secret (dry run)', async () => {
      const seeded = await seed();
      await sim.admin('DELETE', '/_sim/calls');

      const result = await run({ ...seeded.input, dryRun: true });

      expect(result.output).toMatchObject({ dryRun: true, wouldRotate: true });
      await expectOnlyReads();
      expect(await secretStages()).toBeUndefined();
    });
  });

  describe('adopting the hand-made key the secret names (the secret was stored by hand before keyturn took it over)', () => {
    const storeByHand = (seeded: Seeded, withPublicKeyId: boolean) =>
      sm().send(
        new CreateSecretCommand({
          Name: SECRET_ID,
          SecretString: JSON.stringify({ privateKey: seeded.legacyPrivateKey, ...(withPublicKeyId ? { publicKeyId: seeded.legacyKeyId } : {}) }),
        }),
      );

    for (const withPublicKeyId of [true, false]) {
      const how = withPublicKeyId ? 'with its publicKeyId' : 'without a publicKeyId (found by its public half)';
      it(`retires it after the grace period, ${how}, and leaves the keys the secret does not name`, async () => {
        const seeded = await seed(1);
        await storeByHand(seeded, withPublicKeyId);
        const [someoneElses] = (await keyGroupItems(seeded.keyGroupId)).filter((id) => id !== seeded.legacyKeyId);
        const failures: string[] = [];

        const plan = await run({ ...seeded.input, dryRun: true });
        const result = await run(seeded.input, { onTransition: currentKeyAlwaysWorks(seeded.keyGroupId, failures, seeded.legacyKeyId) });

        expect(plan.output).toMatchObject({ dryRun: true, wouldRotate: true, wouldDelete: [seeded.legacyKeyId], reason: expect.stringContaining(`adopting public key ${seeded.legacyKeyId}`) });
        expect(result.status).toBe('SUCCEEDED');
        expect(failures).toEqual([]);
        const current = await currentKey();
        expect(result.output).toMatchObject({ rotated: true, oldPublicKeyId: seeded.legacyKeyId, oldKeyRemoved: true, oldKeyDeletion: 'deleted' });
        expect((await keyGroupItems(seeded.keyGroupId)).sort()).toEqual([current?.publicKeyId, someoneElses].sort());
        expect((await publicKeys()).map((k) => k.Id)).not.toContain(seeded.legacyKeyId);
        const [message] = await slackMessages();
        expect(JSON.stringify(message?.body)).toContain(seeded.legacyKeyId);
        expect(JSON.stringify(message?.body)).toContain('deleted');
      });
    }

    it('refuses a hand-made secret of another key group, naming it, before anything changes', async () => {
      const seeded = await seed();
      await sm().send(new CreateSecretCommand({ Name: SECRET_ID, SecretString: JSON.stringify({ privateKey: seeded.legacyPrivateKey, keyGroupId: 'another-group' }) }));

      const result = await run(seeded.input);

      expect(result.status).toBe('FAILED');
      expect(result.error?.cause).toContain('holds a key of key group another-group');
      expect(await keyGroupItems(seeded.keyGroupId)).toEqual([seeded.legacyKeyId]);
    });

    describe('a rerun after a crash converges (without a publicKeyId)', () => {
      const states = CRASH_POINTS;
      for (const crashAfter of states) {
        it(`crash after "${crashAfter}"`, async () => {
          const seeded = await seed();
          await storeByHand(seeded, false);
          const executionName = `adopt-crash-${states.indexOf(crashAfter)}`;
          const crashed = await run(seeded.input, { executionName, stopAfterState: crashAfter });
          expect(crashed.status).toBe('STOPPED');

          const rerun = await run(seeded.input, { executionName });

          expect(rerun.status).toBe('SUCCEEDED');
          // Once the adopted key is deleted, a value without a publicKeyId names no key any more:
          // the rerun has nothing left to retire, and says so; the end state is the same.
          expect(rerun.output).toMatchObject(
            crashAfter === 'Delete old public key' ? { rotated: true, oldKeyDeletion: 'skipped' } : { rotated: true, oldPublicKeyId: seeded.legacyKeyId, oldKeyDeletion: 'deleted' },
          );
          expect(await endState(seeded)).toEqual({ keyGroup: ['current'], publicKeys: ['current'], labels: ['AWSCURRENT', 'AWSPREVIOUS'], currentVerifies: 200 });
        });
      }
    });
  });

  it('routine rotation: switches signers, then retires the old keyturn key after the grace period', async () => {
    const seeded = await seed();
    await run(seeded.input);
    const first = await currentKey();
    const failures: string[] = [];
    const result = await run({ ...seeded.input, force: true, algorithm: 'ECDSA_P256' }, { onTransition: currentKeyAlwaysWorks(seeded.keyGroupId, failures) });

    expect(result.status).toBe('SUCCEEDED');
    const second = await currentKey();
    expect(second?.publicKeyId).not.toBe(first?.publicKeyId);
    expect(result.output).toMatchObject({ rotated: true, newPublicKeyId: second?.publicKeyId, oldPublicKeyId: first?.publicKeyId, oldKeyRemoved: true, oldKeyDeletion: 'deleted' });
    expect(await keyGroupItems(seeded.keyGroupId)).toEqual([seeded.legacyKeyId, second?.publicKeyId]);
    expect((await publicKeys()).map((k) => k.Id).sort()).toEqual([seeded.legacyKeyId, second?.publicKeyId].sort());
    expect(Object.values((await secretStages()) ?? {}).flat().sort()).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
    expect(failures).toEqual([]);
  });

  it('still succeeds, reporting notified: false, when Slack refuses the message', async () => {
    const seeded = await seed();
    await sim.admin('POST', '/_sim/faults', { service: 'slack', operation: 'PostMessage', error: { code: 'invalid_token', status: 403 }, count: 5 });
    const result = await run(seeded.input);

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { rotated: true, notified: false } });
  });

  it('calls only the actions each function’s IAM role allows (least privilege)', async () => {
    const seeded = await seed();
    await run(seeded.input);
    await run({ ...seeded.input, force: true });
    await run({ ...seeded.input, force: true }, {
      onTransition: async ({ state, phase }) => {
        if (state === 'Test a URL signed with the new key' && phase === 'after') {
          await sim.admin('POST', '/_sim/faults', { operation: '*', error: { code: 'AccessDeniedException', status: 403 } });
        }
      },
    });
    const fragment = parseYaml(readFileSync('serverless/rotate-cloudfront-key.yml', 'utf8')) as {
      functions: Record<string, { iamRoleStatements: { Action: string[] }[] }>;
    };
    const { calls: all } = await sim.admin<{ calls: { service: string; operation: string; caller?: string }[] }>('GET', '/_sim/calls');
    const byWorkflow = all.filter((c) => c.caller && fragment.functions[c.caller]);
    expect(new Set(byWorkflow.map((c) => c.caller)).size).toBeGreaterThanOrEqual(12);
    const denied = byWorkflow.filter(
      (c) => !fragment.functions[c.caller!]!.iamRoleStatements.some((st) => st.Action.includes(`${c.service}:${c.operation}`)),
    );
    expect(denied.map((c) => `${c.caller} → ${c.service}:${c.operation}`)).toEqual([]);
  });

  it('not due: a young key is left alone and nothing is written', async () => {
    const seeded = await seed();
    await run(seeded.input);
    await sim.admin('DELETE', '/_sim/calls');
    const result = await run(seeded.input);

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { rotated: false, reason: expect.stringMatching(/0 days old/) } });
    expect(await calls('CreatePublicKey')).toEqual([]);
    expect(await calls('PutSecretValue')).toEqual([]);
  });

  it('plans without writing anything when dryRun is true', async () => {
    const seeded = await seed();
    await sim.admin('DELETE', '/_sim/calls');
    const first = await run({ ...seeded.input, dryRun: true });
    expect(first).toMatchObject({ status: 'SUCCEEDED', output: { dryRun: true, keyGroupId: seeded.keyGroupId, wouldRotate: true, reason: expect.stringMatching(/first rotation/), wouldDelete: [], wouldAlert: true } });
    await expectOnlyReads();
    expect(await secretStages()).toBeUndefined(); // the secret a first rotation creates is not created

    await run(seeded.input);
    const rotatedKey = (await currentKey())!.publicKeyId;
    const before = await endState(seeded);
    await sim.admin('DELETE', '/_sim/calls');
    await sim.admin('DELETE', '/_sim/slack');
    const forced = await run({ ...seeded.input, force: true, dryRun: true });
    expect(forced.output).toEqual({ dryRun: true, keyGroupId: seeded.keyGroupId, wouldRotate: true, reason: expect.any(String), wouldDelete: [rotatedKey], wouldAlert: true });

    await expectOnlyReads();
    expect(await endState(seeded)).toEqual(before);
  });

  it('ends cleanly with "rotation in progress" when another rotation holds the pending version', async () => {
    const seeded = await seed();
    await run(seeded.input);
    await sm().send(new PutSecretValueCommand({ SecretId: SECRET_ID, ClientRequestToken: 'another-rotation-000000000000000000', SecretString: '{}', VersionStages: ['AWSPENDING'] }));
    const before = await endState(seeded);
    const result = await run({ ...seeded.input, force: true });

    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({ name: 'RotationInProgressError', cause: expect.stringMatching(/rotation in progress/) });
    expect(await endState(seeded)).toEqual(before);
    expect((await secretStages())?.['another-rotation-000000000000000000']).toEqual(['AWSPENDING']);
  });

  it('rejects bad input naming the field and the rule, changes nothing, and tells Slack', async () => {
    const seeded = await seed();
    const result = await run({ ...seeded.input, gracePeriod: 10 });

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('InvalidInputError');
    expect(result.error?.cause).toMatch(/gracePeriod: unknown field/);
    expect(await secretStages()).toBeUndefined();
    expect((await slackMessages())[0]?.body.text).toMatch(/failed at "Check whether the key is due" \(InvalidInputError\)/);
  });

  it('keeps keys a racing writer adds during each UpdateKeyGroup', async () => {
    const seeded = await seed();
    await run(seeded.input);
    const [addedWhileAdding, addedWhileRemoving] = [await createUnmanagedKey('racer-1'), await createUnmanagedKey('racer-2')];
    await sim.admin('POST', '/_sim/faults', { racingWriter: { keyGroupId: seeded.keyGroupId, addPublicKeyId: addedWhileAdding } });
    const result = await run({ ...seeded.input, force: true }, {
      onTransition: async ({ state, phase }) => {
        if (state === 'Remove old key from key group' && phase === 'before') {
          await sim.admin('POST', '/_sim/faults', { racingWriter: { keyGroupId: seeded.keyGroupId, addPublicKeyId: addedWhileRemoving } });
        }
      },
    });

    expect(result.status).toBe('SUCCEEDED');
    const items = await keyGroupItems(seeded.keyGroupId);
    expect(items).toEqual(expect.arrayContaining([seeded.legacyKeyId, addedWhileAdding, addedWhileRemoving, (await currentKey())?.publicKeyId]));
    expect(items).toHaveLength(4);
    expect((await calls('UpdateKeyGroup')).filter((c) => c.errorCode === 'PreconditionFailed')).toHaveLength(2);
  });

  it('fails with QuotaExceededError on a full key group before creating anything', async () => {
    const seeded = await seed(4);
    const keysBefore = await publicKeys();
    const result = await run(seeded.input);

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('QuotaExceededError');
    expect(result.error?.cause).toMatch(/5 of 5 keys/);
    expect(await publicKeys()).toEqual(keysBefore);
    expect(await secretStages()).toBeUndefined();
    expect((await slackMessages())[0]?.body.text).toMatch(/failed at "Ensure the key group has room" \(QuotaExceededError\)/);
  });

  it('rides out throttling with the SDK’s and the state machine’s retries', async () => {
    const seeded = await seed();
    await sim.admin('POST', '/_sim/faults', { service: 'cloudfront', operation: 'UpdateKeyGroup', throttle: true, count: 5 });
    await sim.admin('POST', '/_sim/faults', { service: 'secretsmanager', operation: 'PutSecretValue', throttle: true, count: 2 });
    const result = await run(seeded.input);

    expect(result.status).toBe('SUCCEEDED');
    expect((await calls('UpdateKeyGroup')).filter((c) => c.status >= 400).length).toBe(5);
    expect(result.history.some((e) => JSON.stringify(e).includes('TransientAwsError'))).toBe(true);
    expect(await probe(seeded.keyGroupId, (await currentKey())!)).toBe(200);
  });

  describe('a failure at each step before promotion is undone', () => {
    // From the first Task that can fail a due rotation to promotion.
    const steps = CRASH_POINTS.slice(CRASH_POINTS.indexOf('Ensure the key group has room'), CRASH_POINTS.indexOf('Promote the new key') + 1);
    for (const failing of steps) {
      it(`"${failing}"`, async () => {
        const seeded = await seed();
        await run(seeded.input);
        const before = await endState(seeded);
        const result = await run({ ...seeded.input, force: true }, {
          onTransition: async ({ state, phase }) => {
            // The step's first AWS call, whatever it is, is refused (not retryable).
            if (state === failing && phase === 'before') {
              await sim.admin('POST', '/_sim/faults', { operation: '*', error: { code: 'AccessDeniedException', status: 403 } });
            }
          },
        });

        expect(result.status).toBe('FAILED');
        expect(result.error?.name).toMatch(/AccessDenied/);
        expect(await endState(seeded)).toEqual(before);
        const message = (await slackMessages()).at(-1)?.body;
        expect(message?.text).toContain(`failed at "${failing}"`);
        expect(message?.text).not.toContain('PRIVATE KEY');
      });
    }
  });

  it('a failure after promotion keeps the new key and reports the old one still in place', async () => {
    const seeded = await seed();
    await run(seeded.input);
    const first = await currentKey();
    const result = await run({ ...seeded.input, force: true }, {
      onTransition: async ({ state, phase }) => {
        if (state === 'Remove old key from key group' && phase === 'before') {
          await sim.admin('POST', '/_sim/faults', { operation: '*', error: { code: 'AccessDeniedException', status: 403 } });
        }
      },
    });

    expect(result.status).toBe('FAILED');
    const second = await currentKey();
    expect(second?.publicKeyId).not.toBe(first?.publicKeyId);
    expect(await keyGroupItems(seeded.keyGroupId)).toEqual([seeded.legacyKeyId, first?.publicKeyId, second?.publicKeyId]);
    expect(await probe(seeded.keyGroupId, second!)).toBe(200);
    expect(JSON.stringify((await slackMessages()).at(-1)?.body)).toMatch(/Remove old key from key group[\s\S]*already current/);
  });

  describe('a rerun after a crash converges to the end state of an uninterrupted run', () => {
    const states = CRASH_POINTS;
    let reference: Awaited<ReturnType<typeof endState>> | undefined;

    it('(reference: uninterrupted routine rotation)', async () => {
      const seeded = await seed();
      await run(seeded.input);
      await run({ ...seeded.input, force: true });
      reference = await endState(seeded);
      expect(reference).toEqual({
        keyGroup: ['current', 'legacy'],
        publicKeys: ['current', 'legacy'],
        labels: ['AWSCURRENT', 'AWSPREVIOUS'],
        currentVerifies: 200,
      });
    });

    for (const crashAfter of states) {
      it(`crash after "${crashAfter}"`, async () => {
        const seeded = await seed();
        await run(seeded.input);
        const input = { ...seeded.input, force: true };
        const executionName = `crash-${states.indexOf(crashAfter)}`;
        const crashed = await run(input, { executionName, stopAfterState: crashAfter });
        expect(crashed.status).toBe('STOPPED');
        const rerun = await run(input, { executionName });

        expect(rerun.status).toBe('SUCCEEDED');
        expect(rerun.output).toMatchObject({ rotated: true });
        expect(await endState(seeded)).toEqual(reference);
      });
    }
  });
});
