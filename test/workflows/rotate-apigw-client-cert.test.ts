/**
 * rotate-apigw-client-cert end to end: the real state-machine file, run by the local runner
 * against the simulator, every claim checked against the simulator's state and its mTLS probe
 * (does the backend, reading the trust store secret, accept the certificate a stage presents?).
 */
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  GenerateClientCertificateCommand,
  GetClientCertificatesCommand,
  GetStagesCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { runWorkflow, type RunOptions, type RunResult } from '../../src/local/runner';
import { useSimulator } from '../support/sim';

const WORKFLOW = 'rotate-apigw-client-cert';
const TRUST_STORE = 'keyturn/apigw/backend-trust-store';
const SLACK_SECRET_ID = 'keyturn/slack/webhook';
const DAY_S = 86_400;
const WRITES = ['GenerateClientCertificate', 'UpdateStage', 'DeleteClientCertificate', 'PutSecretValue', 'UpdateSecretVersionStage', 'CreateSecret'];

const sim = useSimulator();
const apigw = () => new APIGatewayClient({});
const sm = () => new SecretsManagerClient({});

interface Seeded {
  restApiId: string;
  oldCertificateId: string;
  stageNames: string[];
  input: Record<string, unknown>;
}

async function newCertificate(ageDays = 0): Promise<{ clientCertificateId: string; pemEncodedCertificate: string; expirationDate: string }> {
  // Made on a simulator clock set back `ageDays`, so it expires in 365 - ageDays days.
  if (ageDays) await sim.admin('POST', '/_sim/clock', { offsetSeconds: -ageDays * DAY_S });
  const out = await apigw().send(new GenerateClientCertificateCommand({ description: 'made by hand' }));
  if (ageDays) await sim.admin('POST', '/_sim/clock', { offsetSeconds: 0 });
  return { clientCertificateId: out.clientCertificateId!, pemEncodedCertificate: out.pemEncodedCertificate!, expirationDate: out.expirationDate!.toISOString() };
}

async function createApi(stages: Record<string, string | null>): Promise<string> {
  const restApiId = (await apigw().send(new CreateRestApiCommand({ name: 'orders' }))).id!;
  const deploymentId = (await apigw().send(new CreateDeploymentCommand({ restApiId }))).id!;
  for (const [stageName, certificateId] of Object.entries(stages)) {
    await apigw().send(new CreateStageCommand({ restApiId, stageName, deploymentId }));
    if (certificateId) await presentCertificate(restApiId, stageName, certificateId);
  }
  return restApiId;
}

async function presentCertificate(restApiId: string, stageName: string, clientCertificateId: string): Promise<void> {
  await apigw().send(new UpdateStageCommand({ restApiId, stageName, patchOperations: [{ op: 'replace', path: '/clientCertificateId', value: clientCertificateId }] }));
}

/**
 * A REST API whose stages present one hand-made certificate `ageDays` old, the backend's trust
 * store trusting it (plus `alsoTrusted`), a Slack webhook secret, and the workflow input.
 */
async function seed(
  options: {
    ageDays?: number;
    stageNames?: string[];
    alsoTrusted?: { clientCertificateId: string; pemEncodedCertificate: string; expirationDate: string }[];
    /** `absent`: no trust store secret yet; `empty`: one made by hand with no value. */
    trustStore?: 'absent' | 'empty';
  } = {},
): Promise<Seeded> {
  const old = await newCertificate(options.ageDays ?? 340);
  const stageNames = options.stageNames ?? ['prod', 'staging'];
  const restApiId = await createApi(Object.fromEntries(stageNames.map((s) => [s, old.clientCertificateId])));
  if (options.trustStore === 'empty') await sm().send(new CreateSecretCommand({ Name: TRUST_STORE, Description: 'made by hand' }));
  else if (options.trustStore !== 'absent') {
    await sm().send(new CreateSecretCommand({ Name: TRUST_STORE, SecretString: JSON.stringify({ certificates: [old, ...(options.alsoTrusted ?? [])] }) }));
  }
  await sm().send(new CreateSecretCommand({ Name: SLACK_SECRET_ID, SecretString: JSON.stringify({ url: `${sim.url}/_sim/slack/services/T0/B0/hook` }) }));
  return {
    restApiId,
    oldCertificateId: old.clientCertificateId,
    stageNames,
    input: { restApiId, trustStoreSecretId: TRUST_STORE, slackWebhookSecretId: SLACK_SECRET_ID, graceSeconds: 600, tags: { team: 'payments' } },
  };
}

/** Invariant 2: no PEM and no webhook URL anywhere the execution recorded. */
function expectNoSecrets(result: RunResult): void {
  const recorded = JSON.stringify([result.history, result.output, result.error]);
  expect(recorded).not.toContain('BEGIN CERTIFICATE');
  expect(recorded).not.toContain('/_sim/slack/');
}

async function run(input: unknown, options: RunOptions = {}): Promise<RunResult> {
  const result = await runWorkflow(WORKFLOW, input, { skipWaits: true, ...options });
  expectNoSecrets(result);
  return result;
}

async function stagesOf(restApiId: string): Promise<Record<string, string | null>> {
  const out = await apigw().send(new GetStagesCommand({ restApiId }));
  return Object.fromEntries((out.item ?? []).map((s) => [s.stageName!, s.clientCertificateId ?? null]));
}

async function certificateIds(): Promise<string[]> {
  return ((await apigw().send(new GetClientCertificatesCommand({ limit: 500 }))).items ?? []).map((c) => c.clientCertificateId!);
}

async function trustedIds(): Promise<string[]> {
  const out = await sm().send(new GetSecretValueCommand({ SecretId: TRUST_STORE }));
  return (JSON.parse(out.SecretString ?? '{}') as { certificates: { clientCertificateId: string }[] }).certificates.map((c) => c.clientCertificateId);
}

async function labels(): Promise<string[]> {
  const out = await sm().send(new DescribeSecretCommand({ SecretId: TRUST_STORE }));
  return Object.values(out.VersionIdsToStages ?? {}).flat().sort();
}

/** The simulator's mTLS probe: 200 when the backend trusts the certificate the stage presents. */
async function probe(restApiId: string, stageName: string): Promise<number> {
  return (await fetch(`${sim.url}/_sim/apigateway/${restApiId}/${stageName}?trustStoreSecretId=${encodeURIComponent(TRUST_STORE)}`)).status;
}

/** Invariant 1 at every transition: each listed stage is accepted by the backend before and after every Task. */
function backendAlwaysAccepts(stages: [string, string][], failures: string[]): RunOptions['onTransition'] {
  return async ({ state, phase }) => {
    for (const [restApiId, stageName] of stages) {
      const status = await probe(restApiId, stageName);
      if (status !== 200) failures.push(`${phase} "${state}": ${restApiId}/${stageName} → ${status}`);
    }
  };
}

async function calls(operation?: string): Promise<{ seq: number; operation: string; status: number; errorCode?: string; time: string }[]> {
  return (await sim.admin<{ calls: { seq: number; operation: string; status: number; errorCode?: string; time: string }[] }>('GET', `/_sim/calls${operation ? `?operation=${operation}` : ''}`)).calls;
}

const writeCalls = async () => (await calls()).filter((c) => WRITES.includes(c.operation) && c.status < 400);

async function slackMessages(): Promise<{ body: { text: string; blocks: unknown[] } }[]> {
  return (await sim.admin<{ messages: { body: { text: string; blocks: unknown[] } }[] }>('GET', '/_sim/slack')).messages;
}

/** The end state with ids replaced by their role, so runs with different ids compare equal. */
async function endState(seeded: Seeded) {
  const stages = await stagesOf(seeded.restApiId);
  const current = stages[seeded.stageNames[0]!];
  const role = (id: string | null) => (id === seeded.oldCertificateId ? 'old' : id === null ? 'none' : id === current ? 'new' : 'other');
  return {
    stages: Object.fromEntries(Object.entries(stages).map(([name, id]) => [name, role(id)])),
    certificates: (await certificateIds()).map(role).sort(),
    trusted: (await trustedIds()).map(role).sort(),
    labels: await labels(),
    probes: await Promise.all(seeded.stageNames.map((s) => probe(seeded.restApiId, s))),
  };
}

const rotatedEndState = (seeded: Seeded) => ({
  stages: Object.fromEntries(seeded.stageNames.map((s) => [s, 'new'])),
  certificates: ['new'],
  trusted: ['new'],
  labels: ['AWSCURRENT', 'AWSPREVIOUS'],
  probes: seeded.stageNames.map(() => 200),
});

describe('rotate-apigw-client-cert', () => {
  describe('first rotation with no trust store yet (its first version is AWSCURRENT whatever keyturn asks)', () => {
    it('creates the trust store under the customer managed KMS key the input names (kmsKeyArn)', async () => {
      const seeded = await seed({ trustStore: 'absent' });
      const kmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

      const result = await run({ ...seeded.input, kmsKeyArn });

      expect(result.status).toBe('SUCCEEDED');
      expect((await sm().send(new DescribeSecretCommand({ SecretId: TRUST_STORE }))).KmsKeyId).toBe(kmsKeyArn);
    });

    it('plans it without creating the trust store (dry run)', async () => {
      const seeded = await seed({ trustStore: 'absent' });
      await sim.admin('DELETE', '/_sim/calls');

      const result = await run({ ...seeded.input, dryRun: true });

      expect(result.output).toMatchObject({ dryRun: true, wouldRotate: true, wouldDelete: [seeded.oldCertificateId] });
      expect(await writeCalls()).toEqual([]);
      await expect(sm().send(new GetSecretValueCommand({ SecretId: TRUST_STORE }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    for (const trustStore of ['absent', 'empty'] as const) {
      it(`${trustStore === 'absent' ? 'creates the trust store' : 'gives a trust store made by hand without a value its first bundle'}: trusting what the stages present, never the claim, then rotates`, async () => {
        const seeded = await seed({ trustStore });
        const bundles: string[][] = [];
        const result = await run(seeded.input, {
          onTransition: async () => {
            const out = await sm().send(new GetSecretValueCommand({ SecretId: TRUST_STORE })).catch(() => undefined);
            if (out) bundles.push((JSON.parse(out.SecretString ?? '{}') as { certificates: { clientCertificateId: string }[] }).certificates.map((c) => c.clientCertificateId));
          },
        });

        expect(result.status).toBe('SUCCEEDED');
        expect(result.output).toMatchObject({ rotated: true, oldClientCertificateIds: [seeded.oldCertificateId], deletedCertificates: [seeded.oldCertificateId] });
        // Every bundle the backend could read trusted what the stages presented: the first one the old certificate.
        expect(bundles[0]).toEqual([seeded.oldCertificateId]);
        expect(bundles.every((b) => b.length > 0)).toBe(true);
        // Crashes inside this step, right after the trust store's CreateSecret, are the reliability harness's (first-rotation target).
        expect(await endState(seeded)).toEqual({
          ...rotatedEndState(seeded),
          // The first bundle keeps the label it was written with into the empty secret (FIRST_VERSION_LABEL).
          labels: trustStore === 'empty' ? ['AWSCURRENT', 'AWSPREVIOUS', 'keyturn-first-version'] : ['AWSCURRENT', 'AWSPREVIOUS'],
        });
      });
    }
  });

  it('not due: a certificate far from expiry is left alone and nothing is written', async () => {
    const seeded = await seed({ ageDays: 0 });
    await sim.admin('DELETE', '/_sim/calls');
    const result = await run(seeded.input);

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { rotated: false, expiresInDays: 364, reason: expect.stringMatching(/expires in 364 days; renewal due 30 days before/) } });
    expect(await writeCalls()).toEqual([]);
  });

  it('plans without writing anything when dryRun is true', async () => {
    const seeded = await seed({ ageDays: 350 });
    const stagesBefore = await stagesOf(seeded.restApiId);
    await sim.admin('DELETE', '/_sim/calls');
    const result = await run({ ...seeded.input, dryRun: true });

    expect(result).toMatchObject({ status: 'SUCCEEDED' });
    expect(result.output).toEqual({
      dryRun: true,
      restApiId: seeded.restApiId,
      wouldRotate: true,
      reason: expect.stringMatching(/expires in 14 days \(renew 30 days before\)/),
      stageNames: Object.keys(stagesBefore),
      wouldDelete: [seeded.oldCertificateId],
      wouldAlert: true,
    });
    const all = await calls();
    expect(all.length).toBeGreaterThan(0);
    expect(all.map((c) => c.operation).filter((op) => !/^(Get|List|Describe|Head)/.test(op))).toEqual([]);
    expect(await slackMessages()).toEqual([]);
    expect(await stagesOf(seeded.restApiId)).toEqual(stagesBefore);
  });

  it('due: switches every stage in AWS’s order, the backend accepting each stage at every transition', async () => {
    const seeded = await seed();
    await sim.admin('DELETE', '/_sim/calls');
    const failures: string[] = [];
    const result = await run(seeded.input, { onTransition: backendAlwaysAccepts(seeded.stageNames.map((s) => [seeded.restApiId, s]), failures) });

    expect(result.status).toBe('SUCCEEDED');
    expect(failures).toEqual([]);
    const stages = await stagesOf(seeded.restApiId);
    const newId = stages.prod!;
    expect(result.output).toMatchObject({
      rotated: true,
      stageNames: ['prod', 'staging'],
      newClientCertificateId: newId,
      oldClientCertificateIds: [seeded.oldCertificateId],
      removedFromTrustStore: [seeded.oldCertificateId],
      deletedCertificates: [seeded.oldCertificateId],
      keptCertificates: [],
      notified: true,
    });
    expect(await endState(seeded)).toEqual(rotatedEndState(seeded));
    // generate → trust beside the old → switch → stop trusting the old → delete the old
    expect((await writeCalls()).map((c) => c.operation)).toEqual([
      'PutSecretValue', // the lock (claim)
      'GenerateClientCertificate',
      'PutSecretValue', // old + new
      'UpdateStage',
      'UpdateStage',
      'PutSecretValue', // new only
      'UpdateSecretVersionStage', // lock released
      'DeleteClientCertificate',
    ]);
    const message = JSON.stringify((await slackMessages()).at(-1)?.body);
    expect(message).toContain('prod, staging');
    expect(message).toContain(newId);
    expect(message).toContain(seeded.oldCertificateId);
    expect(message).toContain(String(result.output && (result.output as { newExpirationDate: string }).newExpirationDate));
  });

  it('forced: rotates a certificate that is not due, tagging the new one with the given tags', async () => {
    const seeded = await seed({ ageDays: 0 });
    const result = await run({ ...seeded.input, force: true });

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { rotated: true } });
    expect(await endState(seeded)).toEqual(rotatedEndState(seeded));
    const certificate = (await apigw().send(new GetClientCertificatesCommand({}))).items?.[0];
    expect(certificate?.tags).toMatchObject({ team: 'payments', 'managed-by': 'keyturn', 'keyturn:replaces': seeded.oldCertificateId });
    expect(certificate?.description).toMatch(new RegExp(`keyturn.*${seeded.restApiId}.*prod, staging.*\\d{4}-\\d{2}-\\d{2}`));
  });

  it('keeps the old certificate, still trusted, while a stage of another API presents it', async () => {
    const seeded = await seed({ stageNames: ['prod', 'staging', 'canary'] });
    const otherApi = await createApi({ live: seeded.oldCertificateId });
    const failures: string[] = [];
    const watched: [string, string][] = [...seeded.stageNames.map((s): [string, string] => [seeded.restApiId, s]), [otherApi, 'live']];
    const result = await run(seeded.input, { onTransition: backendAlwaysAccepts(watched, failures) });

    expect(result.status).toBe('SUCCEEDED');
    expect(failures).toEqual([]);
    expect(result.output).toMatchObject({
      stageNames: ['prod', 'staging', 'canary'],
      deletedCertificates: [],
      keptCertificates: [{ clientCertificateId: seeded.oldCertificateId, usedBy: [`${otherApi}/live`] }],
      keptInTrustStore: [{ clientCertificateId: seeded.oldCertificateId, usedBy: [`${otherApi}/live`] }],
    });
    expect(await endState(seeded)).toMatchObject({ stages: { prod: 'new', staging: 'new', canary: 'new' }, certificates: ['new', 'old'], trusted: ['new', 'old'] });
    expect(JSON.stringify((await slackMessages()).at(-1)?.body)).toContain(`still used by ${otherApi}/live`);
  });

  it('plans to keep, not delete, an old certificate a stage of another API presents, without writing anything (dryRun)', async () => {
    const seeded = await seed({ ageDays: 350 });
    const otherApi = await createApi({ live: seeded.oldCertificateId });
    await sim.admin('DELETE', '/_sim/calls');

    const result = await run({ ...seeded.input, dryRun: true });

    expect(result).toMatchObject({ status: 'SUCCEEDED' });
    expect(result.output).toMatchObject({ dryRun: true, wouldRotate: true, stageNames: seeded.stageNames, wouldDelete: [] });
    expect((await calls()).map((c) => c.operation).filter((op) => !/^(Get|List|Describe|Head)/.test(op))).toEqual([]);
    expect(await slackMessages()).toEqual([]);
    expect(await stagesOf(otherApi)).toEqual({ live: seeded.oldCertificateId });
    expect(await certificateIds()).toEqual([seeded.oldCertificateId]);
  });

  it('refuses stages on different certificates (or none) unless the stages are named, then rotates only those', async () => {
    const other = await newCertificate();
    const seeded = await seed({ alsoTrusted: [other] });
    await apigw().send(new CreateStageCommand({ restApiId: seeded.restApiId, stageName: 'legacy', deploymentId: (await apigw().send(new CreateDeploymentCommand({ restApiId: seeded.restApiId }))).id! }));
    await presentCertificate(seeded.restApiId, 'legacy', other.clientCertificateId);
    await sim.admin('DELETE', '/_sim/calls');

    const refused = await run(seeded.input);
    expect(refused.status).toBe('FAILED');
    expect(refused.error?.name).toBe('MixedStageCertificatesError');
    expect(refused.error?.cause).toMatch(/stageNames: .*legacy: /);
    expect(await writeCalls()).toEqual([]);

    const result = await run({ ...seeded.input, stageNames: ['prod', 'staging'] });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { stageNames: ['prod', 'staging'], deletedCertificates: [seeded.oldCertificateId] } });
    const stages = await stagesOf(seeded.restApiId);
    expect(stages.legacy).toBe(other.clientCertificateId);
    expect(stages.prod).toBe(stages.staging);
    expect((await trustedIds()).sort()).toEqual([other.clientCertificateId, stages.prod].sort());
    expect(await probe(seeded.restApiId, 'legacy')).toBe(200);
  });

  it('rides out TooManyRequestsException, waiting the Retry-After it sends, then the state machine’s retry', async () => {
    const seeded = await seed();
    // 4 throttled answers exhaust the SDK's attempts (ApiGatewayThrottledError); the state machine retries.
    await sim.admin('POST', '/_sim/faults', { service: 'apigateway', operation: 'UpdateStage', throttle: true, count: 5 });
    const result = await run(seeded.input);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.history.some((e) => e.type === 'StateRetried' && e.state === 'Switch stages to the new certificate')).toBe(true);
    const throttled = (await calls('UpdateStage')).filter((c) => c.errorCode === 'TooManyRequestsException');
    expect(throttled).toHaveLength(5);
    // The SDK's attempts within one invocation are spaced by at least the Retry-After (1 s) the simulator sends.
    const times = throttled.slice(0, 4).map((c) => Date.parse(c.time));
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(950);
    expect(await endState(seeded)).toEqual(rotatedEndState(seeded));
  });

  it('refuses to exceed the 60-certificate quota before changing anything', async () => {
    const seeded = await seed();
    for (let i = 0; i < 59; i += 1) await apigw().send(new GenerateClientCertificateCommand({}));
    const before = await endState(seeded);
    await sim.admin('DELETE', '/_sim/calls');
    const result = await run(seeded.input);

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('QuotaExceededError');
    expect(result.error?.cause).toMatch(/60 of 60 API Gateway client certificates/);
    expect(await calls('GenerateClientCertificate')).toEqual([]);
    expect(await endState(seeded)).toEqual(before);
    expect((await slackMessages()).at(-1)?.body.text).toMatch(/failed at "Generate new client certificate" \(QuotaExceededError\)/);
  });

  it('ends with "rotation in progress" when another rotation holds the trust store, changing nothing', async () => {
    const seeded = await seed();
    await sm().send(new PutSecretValueCommand({ SecretId: TRUST_STORE, ClientRequestToken: 'another-rotation-000000000000000000', SecretString: '{"certificates":[]}', VersionStages: ['AWSPENDING'] }));
    const before = await endState(seeded);
    const result = await run(seeded.input);

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('RotationInProgressError');
    expect(await endState(seeded)).toEqual(before);
  });

  describe('rejects bad input before any AWS write, naming the field', () => {
    const cases: [string, (s: Seeded) => Record<string, unknown>, RegExp][] = [
      ['an unknown API', (s) => ({ ...s.input, restApiId: 'nosuchapi0' }), /restApiId: no REST API nosuchapi0/],
      ['a tag key starting with aws:', (s) => ({ ...s.input, tags: { 'aws:owner': 'me' } }), /tags\.aws:owner: tag keys must not start with aws:/],
      ['a tag value with a space', (s) => ({ ...s.input, tags: { team: 'pay ments' } }), /tags\.team: tag values may hold only/],
      ['negative renewBeforeDays', (s) => ({ ...s.input, renewBeforeDays: -1 }), /renewBeforeDays: must not be negative/],
      ['negative graceSeconds', (s) => ({ ...s.input, graceSeconds: -5 }), /graceSeconds: must not be negative/],
      ['an unknown stage', (s) => ({ ...s.input, stageNames: ['prod', 'nope'] }), /stageNames: stage nope does not exist/],
      ['an unknown field', (s) => ({ ...s.input, gracePeriod: 10 }), /gracePeriod: unknown field/],
    ];
    for (const [what, input, message] of cases) {
      it(what, async () => {
        const seeded = await seed();
        await sim.admin('DELETE', '/_sim/calls');
        const result = await run(input(seeded));

        expect(result.status).toBe('FAILED');
        expect(result.error?.name).toBe('InvalidInputError');
        expect(result.error?.cause).toMatch(message);
        expect(await writeCalls()).toEqual([]);
        expect((await slackMessages()).at(-1)?.body.text).toMatch(/failed at "Find the certificate the stages use" \(InvalidInputError\)/);
      });
    }
  });

  /** The step's first AWS call, whatever it is, is refused (not retryable). */
  const refuseFirstCallOf = (failing: string): RunOptions['onTransition'] => async ({ state, phase }) => {
    if (state === failing && phase === 'before') await sim.admin('POST', '/_sim/faults', { operation: '*', error: { code: 'AccessDeniedException', status: 403 } });
  };

  describe('a failure before the stages switched deletes the new certificate and restores the trust store', () => {
    for (const failing of ['Generate new client certificate', 'Add new certificate to trust store', 'Switch stages to the new certificate']) {
      it(`"${failing}"`, async () => {
        const seeded = await seed();
        const before = await endState(seeded);
        const failures: string[] = [];
        const probeAll = backendAlwaysAccepts(seeded.stageNames.map((s) => [seeded.restApiId, s]), failures);
        const result = await run(seeded.input, {
          onTransition: async (t) => {
            await probeAll!(t);
            await refuseFirstCallOf(failing)!(t);
          },
        });

        expect(result.status).toBe('FAILED');
        expect(result.error?.name).toMatch(/AccessDenied/);
        expect(failures).toEqual([]);
        const after = await endState(seeded);
        expect({ ...after, labels: after.labels.filter((l) => l !== 'AWSPREVIOUS') }).toEqual(before);
        expect((await slackMessages()).at(-1)?.body.text).toContain(`failed at "${failing}"`);
      });
    }
  });

  describe('a failure after the stages switched leaves them on the new certificate and reports', () => {
    for (const failing of ['Remove old certificate from trust store', 'Delete old certificate']) {
      it(`"${failing}"`, async () => {
        const seeded = await seed();
        const result = await run(seeded.input, { onTransition: refuseFirstCallOf(failing) });

        expect(result.status).toBe('FAILED');
        const state = await endState(seeded);
        expect(state.stages).toEqual({ prod: 'new', staging: 'new' });
        expect(state.certificates).toEqual(['new', 'old']);
        expect(state.probes).toEqual([200, 200]);
        expect(state.labels).not.toContain('AWSPENDING');
        const message = JSON.stringify((await slackMessages()).at(-1)?.body);
        expect(message).toContain(`failed at \\"${failing}\\"`);
        expect(message).toMatch(/present the new certificate .* left on it/);
        expect(message).toMatch(new RegExp(`old certificate ${seeded.oldCertificateId}: (still|no longer) trusted, not deleted`));
      });
    }
  });

  it('a failure midway through switching keeps the switched stage on the new certificate; a rerun finishes', async () => {
    const seeded = await seed();
    await sim.admin('POST', '/_sim/faults', { service: 'apigateway', operation: 'UpdateStage', skip: 1, error: { code: 'BadRequestException', status: 400 } });
    const failures: string[] = [];
    const options = { executionName: 'midway', onTransition: backendAlwaysAccepts(seeded.stageNames.map((s) => [seeded.restApiId, s]), failures) };
    const failed = await run(seeded.input, options);

    expect(failed.status).toBe('FAILED');
    const state = await endState(seeded);
    expect(state.stages).toEqual({ prod: 'new', staging: 'old' });
    expect(state.trusted).toEqual(['new', 'old']);
    expect(JSON.stringify((await slackMessages()).at(-1)?.body)).toMatch(/staging \(.*\) not switched yet/);

    // The undo released the lock; the rerun (the same rotation) takes it back before it acts.
    const labelsAtSwitch: string[][] = [];
    const rerun = await run(seeded.input, {
      ...options,
      onTransition: async (t) => {
        await options.onTransition?.(t);
        if (t.state === 'Switch stages to the new certificate' && t.phase === 'before') labelsAtSwitch.push(await labels());
      },
    });
    expect(rerun.status).toBe('SUCCEEDED');
    expect(failures).toEqual([]);
    expect(labelsAtSwitch).toEqual([expect.arrayContaining(['AWSPENDING'])]);
    expect(await endState(seeded)).toEqual(rotatedEndState(seeded));
  });

  describe('a rerun after a crash converges to the end state of an uninterrupted run', () => {
    const states = [
      'Find the certificate the stages use',
      'Generate new client certificate',
      'Add new certificate to trust store',
      'Switch stages to the new certificate',
      'Remove old certificate from trust store',
      'Delete old certificate',
      'Notify Slack of the rotation',
    ];
    for (const crashAfter of states) {
      it(`crash after "${crashAfter}"`, async () => {
        const seeded = await seed();
        const executionName = `crash-${states.indexOf(crashAfter)}`;
        const crashed = await run(seeded.input, { executionName, stopAfterState: crashAfter });
        expect(crashed.status).toBe('STOPPED');
        const rerun = await run(seeded.input, { executionName });

        expect(rerun.status).toBe('SUCCEEDED');
        expect(rerun.output).toMatchObject({ rotated: true, oldClientCertificateIds: [seeded.oldCertificateId] });
        expect(await endState(seeded)).toEqual(rotatedEndState(seeded));
      });
    }
  });
});
