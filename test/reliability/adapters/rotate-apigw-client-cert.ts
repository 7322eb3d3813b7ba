/**
 * rotate-apigw-client-cert: a REST API whose two stages present a hand-made client certificate
 * 340 days old (due), trusted by the backend's trust store secret.
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
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import type { Target, TargetAdapter } from '../support/adapter';
import type { Harness } from '../support/harness';

export const TRUST_STORE = 'keyturn/apigw/reliability-trust-store';
const SLACK_SECRET_ID = 'keyturn/slack/reliability';
const STAGES = ['prod', 'staging'];
const DAY = 86_400;
const apigw = () => new APIGatewayClient({ maxAttempts: 1 });
const sm = () => new SecretsManagerClient({ maxAttempts: 1 });

interface Trusted {
  clientCertificateId: string;
  pemEncodedCertificate?: string;
  expirationDate?: string;
}

async function certificate(ageDays: number, description: string): Promise<Trusted> {
  const out = await apigw().send(new GenerateClientCertificateCommand({ description }));
  void ageDays;
  return { clientCertificateId: out.clientCertificateId!, pemEncodedCertificate: out.pemEncodedCertificate!, expirationDate: out.expirationDate!.toISOString() };
}

async function stages(restApiId: string): Promise<Record<string, { cert: string | null; description: string }>> {
  const out = await apigw().send(new GetStagesCommand({ restApiId }));
  return Object.fromEntries((out.item ?? []).map((s) => [s.stageName!, { cert: s.clientCertificateId ?? null, description: s.description ?? '' }]));
}

async function certificates(): Promise<{ id: string; tags: Record<string, string> }[]> {
  return ((await apigw().send(new GetClientCertificatesCommand({ limit: 500 }))).items ?? []).map((c) => ({ id: c.clientCertificateId!, tags: c.tags ?? {} }));
}

function trusted(h: Harness): string[] {
  const current = h.secretVersions(TRUST_STORE).find((v) => v.stages.includes('AWSCURRENT'));
  return ((JSON.parse(current?.value ?? '{"certificates":[]}') as { certificates: Trusted[] }).certificates ?? []).map((c) => c.clientCertificateId);
}

async function probe(h: Harness, restApiId: string, stageName: string): Promise<number> {
  return (await fetch(`${h.sim.url}/_sim/apigateway/${restApiId}/${stageName}?trustStoreSecretId=${encodeURIComponent(TRUST_STORE)}`)).status;
}

/**
 * Two stages presenting a hand-made certificate 340 days old and a Slack webhook; `trustStore`: the
 * backend's trust store secret trusting it (false: none yet, a first rotation creates it).
 */
export async function seedApi(h: Harness, options: { trustStore: boolean }): Promise<Target> {
  await h.sim.admin('POST', '/_sim/clock', { offsetSeconds: -340 * DAY });
  const old = await certificate(340, 'made by hand');
  await h.sim.admin('POST', '/_sim/clock', { offsetSeconds: 0 });
  const restApiId = (await apigw().send(new CreateRestApiCommand({ name: 'orders' }))).id!;
  const deploymentId = (await apigw().send(new CreateDeploymentCommand({ restApiId }))).id!;
  for (const stageName of STAGES) {
    await apigw().send(new CreateStageCommand({ restApiId, stageName, deploymentId }));
    await apigw().send(new UpdateStageCommand({ restApiId, stageName, patchOperations: [{ op: 'replace', path: '/clientCertificateId', value: old.clientCertificateId }] }));
  }
  if (options.trustStore) await sm().send(new CreateSecretCommand({ Name: TRUST_STORE, SecretString: JSON.stringify({ certificates: [old] }) }));
  await sm().send(new CreateSecretCommand({ Name: SLACK_SECRET_ID, SecretString: JSON.stringify({ url: `${h.sim.url}/_sim/slack/services/T0/B0/reliability` }) }));
  return {
    input: { restApiId, trustStoreSecretId: TRUST_STORE, slackWebhookSecretId: SLACK_SECRET_ID, graceSeconds: 600, tags: { team: 'payments' } },
    ids: { restApiId, oldCertificateId: old.clientCertificateId },
  };
}

export const adapter: TargetAdapter = {
  workflow: 'rotate-apigw-client-cert',
  kind: 'rotation',
  lockSecretId: () => TRUST_STORE,
  seed: (h) => seedApi(h, { trustStore: true }),
  resumeInput: (target, crashed) => ({ ...target.input, rotationId: crashed }),
  async snapshot(h, target) {
    const restApiId = target.ids.restApiId!;
    const byStage = await stages(restApiId);
    const current = byStage[STAGES[0]!]?.cert ?? null;
    const role = (id: string | null) => (id === target.ids.oldCertificateId ? 'old' : id === null ? 'none' : id === current ? 'new' : 'other');
    return {
      stages: Object.fromEntries(Object.entries(byStage).map(([name, s]) => [name, role(s.cert)])),
      certificates: (await certificates()).map((c) => role(c.id)).sort(),
      trusted: trusted(h).map(role).sort(),
      labels: h.secretVersions(TRUST_STORE).flatMap((v) => v.stages).sort(),
      probes: await Promise.all(STAGES.map((s) => probe(h, restApiId, s))),
    };
  },
  async invariants(h, target) {
    const violations = await this.currentWorks!(h, target);
    const certs = await certificates();
    if (certs.length > 60) violations.push(`${certs.length} client certificates (quota 60)`);
    const presented = new Set(Object.values(await stages(target.ids.restApiId!)).map((s) => s.cert));
    for (const c of certs) {
      if (c.tags['managed-by'] === 'keyturn' && !presented.has(c.id)) violations.push(`orphan: keyturn certificate ${c.id} is presented by no stage`);
    }
    return violations;
  },
  async currentWorks(h, target) {
    const out: string[] = [];
    for (const stage of STAGES) {
      const status = await probe(h, target.ids.restApiId!, stage);
      if (status !== 200) out.push(`backend refuses stage ${stage} (${status})`);
    }
    return out;
  },
  didWork: (result) => (result.output as { rotated?: boolean } | undefined)?.rotated === true,
  creatingSteps: [{ state: 'Generate new client certificate', afterOperation: 'GenerateClientCertificate' }],
  humanEdits: [
    {
      name: 'someone adds a partner certificate to the trust store (PutSecretValue)',
      async apply(h) {
        const partner = await certificate(0, 'partner, by hand');
        const current = JSON.parse((await sm().send(new GetSecretValueCommand({ SecretId: TRUST_STORE }))).SecretString ?? '{}') as { certificates: Trusted[] };
        await sm().send(new PutSecretValueCommand({ SecretId: TRUST_STORE, SecretString: JSON.stringify({ certificates: [...current.certificates, partner] }) }));
        return async () => (trusted(h).includes(partner.clientCertificateId) ? [] : [`human-added partner certificate ${partner.clientCertificateId} was lost from the trust store`]);
      },
    },
    {
      name: 'someone edits the prod stage’s description',
      async apply(_h, target) {
        await apigw().send(new UpdateStageCommand({ restApiId: target.ids.restApiId!, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/description', value: 'edited by hand' }] }));
        return async () => ((await stages(target.ids.restApiId!)).prod?.description === 'edited by hand' ? [] : ['human’s description of stage prod was lost']);
      },
    },
    {
      name: 'someone tags the trust store secret',
      async apply(h) {
        await sm().send(new TagResourceCommand({ SecretId: TRUST_STORE, Tags: [{ Key: 'owner', Value: 'payments' }] }));
        return async () => (h.secretTags(TRUST_STORE).owner === 'payments' ? [] : ['human’s tag owner=payments was lost from the trust store']);
      },
    },
  ],
  stormOperations: [
    ...['GetStages', 'GetStage', 'UpdateStage', 'GenerateClientCertificate', 'GetClientCertificate', 'GetClientCertificates', 'DeleteClientCertificate', 'GetRestApis'].map((operation) => ({ service: 'apigateway', operation })),
    ...['GetSecretValue', 'PutSecretValue', 'DescribeSecret', 'UpdateSecretVersionStage', 'ListSecretVersionIds'].map((operation) => ({ service: 'secretsmanager', operation })),
    { service: 'slack', operation: 'PostMessage' },
  ],
  badInputs(target: Target) {
    const good = { ...target.input };
    const without = (field: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== field));
    return [
      { what: 'restApiId missing', input: without('restApiId'), field: 'restApiId' },
      { what: 'trustStoreSecretId missing', input: without('trustStoreSecretId'), field: 'trustStoreSecretId' },
      { what: 'restApiId of the wrong type', input: { ...good, restApiId: 7 }, field: 'restApiId' },
      { what: 'restApiId with spaces', input: { ...good, restApiId: 'orders api' }, field: 'restApiId' },
      { what: 'an API that does not exist', input: { ...good, restApiId: 'nosuchapi0' }, field: 'restApiId' },
      { what: 'a stage name with spaces', input: { ...good, stageNames: ['prod stage'] }, field: 'stageNames' },
      { what: 'a stage that does not exist', input: { ...good, stageNames: ['prod', 'nope'] }, field: 'stageNames' },
      { what: 'stageNames empty', input: { ...good, stageNames: [] }, field: 'stageNames' },
      { what: 'renewBeforeDays over 364', input: { ...good, renewBeforeDays: 365 }, field: 'renewBeforeDays' },
      { what: 'graceSeconds a string', input: { ...good, graceSeconds: '600' }, field: 'graceSeconds' },
      { what: 'a reserved tag key', input: { ...good, tags: { 'managed-by': 'me' } }, field: 'tags.managed-by' },
      { what: 'a tag value with spaces', input: { ...good, tags: { team: 'pay ments' } }, field: 'tags.team' },
      { what: 'a comment over 128 characters (no such field)', input: { ...good, comment: 'x'.repeat(129) }, field: 'comment' },
      { what: 'trustStoreSecretId outside keyturn/', input: { ...good, trustStoreSecretId: 'backend/trust' }, field: 'trustStoreSecretId' },
    ];
  },
};
