/**
 * Issue 7, "Many accounts and regions": a target may live in another account (keyturn assumes a
 * role there, in a session named after the execution) or another region. The real state-machine
 * files run on the simulator, which keeps every account and region apart and records, per call,
 * the account it acted in and the assumed-role principal (test/sim/sts.test.ts).
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CloudFrontClient, CreateKeyGroupCommand, CreatePublicKeyCommand, GetKeyGroupCommand, ListKeyGroupsCommand, ListPublicKeysCommand } from '@aws-sdk/client-cloudfront';
import { GetServerCertificateCommand, IAMClient, UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import { CreateBucketAccessKeyCommand, CreateBucketCommand, GetBucketAccessKeysCommand, LightsailClient } from '@aws-sdk/client-lightsail';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  GenerateClientCertificateCommand,
  GetClientCertificatesCommand,
  GetStageCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config';
import { functionsActingInTargets, targetRolePolicies } from '../../src/config/target-role-policies';
import { runWorkflow, type RunResult } from '../../src/local/runner';
import type { CallRecord, SlackMessage } from '../../src/local/sim/state';
import { DAY_MS, makeCertificate, type GeneratedCertificate } from '../support/certs';
import { useSimulator } from '../support/sim';

const sim = useSimulator();
const HOME = '123456789012';
const PRODUCTION = '111122223333';
const SANDBOX = '444455556666';
const ROLE = (account: string) => `arn:aws:iam::${account}:role/keyturn-target`;
const WEBHOOK = 'keyturn/slack/webhook';

/** Declares the role keyturn assumes in `account`, trusting keyturn's (home) account. */
async function declareRole(account: string, trustedAccountIds = [HOME]): Promise<void> {
  await sim.admin('POST', '/_sim/sts/roles', { roleArn: ROLE(account), trustedAccountIds });
}

/** Credentials in `account`, as an operator there would have, to seed and inspect it. */
async function credentialsIn(account: string) {
  await declareRole(account);
  const out = await new STSClient({ region: 'us-east-1' }).send(new AssumeRoleCommand({ RoleArn: ROLE(account), RoleSessionName: 'operator' }));
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

/** The calls keyturn's functions made (not this test's own seeding and checks). */
async function calls(filter: Partial<Pick<CallRecord, 'service' | 'operation'>> = {}): Promise<CallRecord[]> {
  const query = new URLSearchParams(filter as Record<string, string>).toString();
  return (await sim.admin<{ calls: CallRecord[] }>('GET', `/_sim/calls?${query}`)).calls.filter((c) => c.caller !== undefined);
}

async function slack(): Promise<SlackMessage[]> {
  return (await sim.admin<{ messages: SlackMessage[] }>('GET', '/_sim/slack')).messages;
}

async function seedWebhook(): Promise<void> {
  await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: WEBHOOK, SecretString: JSON.stringify({ url: `${sim.url}/_sim/slack/T0/B0/x` }) }));
}

/** Every AssumeRole a function made in this file (the simulator is reset before each test). */
const assumed: CallRecord[] = [];
afterEach(async () => {
  assumed.push(...(await calls({ service: 'sts', operation: 'AssumeRole' })));
});

function publicKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey;
}

function expectNoSecrets(result: RunResult): void {
  const recorded = JSON.stringify([result.history, result.output, result.error]);
  expect(recorded).not.toContain('PRIVATE KEY');
  expect(recorded).not.toContain('/_sim/slack/');
  expect(recorded).not.toMatch(/SecretAccessKey|SessionToken/i);
}

describe('rotate-cloudfront-key in another account', () => {
  async function seedProductionKeyGroup() {
    const cf = new CloudFrontClient({ region: 'us-east-1', credentials: await credentialsIn(PRODUCTION) });
    const key = await cf.send(new CreatePublicKeyCommand({ PublicKeyConfig: { Name: 'legacy', CallerReference: 'legacy', EncodedKey: publicKeyPem() } }));
    const group = await cf.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: 'media', Items: [key.PublicKey!.Id!] } }));
    await seedWebhook();
    await sim.admin('DELETE', '/_sim/calls');
    return { cf, keyGroupId: group.KeyGroup!.Id!, legacyKeyId: key.PublicKey!.Id! };
  }

  it("rotates the key group in the target's account through its role, each session named after the execution, secrets kept in keyturn's", async () => {
    const { cf, keyGroupId, legacyKeyId } = await seedProductionKeyGroup();
    const executionName = 'media-signing-key-production-20261130T0900Z';

    const result = await runWorkflow(
      'rotate-cloudfront-key',
      {
        keyGroupId,
        secretId: 'keyturn/cloudfront/production-media',
        graceSeconds: 60,
        slackWebhookSecretId: WEBHOOK,
        testUrlBase: `${sim.url}/_sim/cloudfront/${keyGroupId}`,
        account: { accountId: PRODUCTION, roleArn: ROLE(PRODUCTION) },
      },
      { skipWaits: true, executionName },
    );

    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expectNoSecrets(result);
    const items = (await cf.send(new GetKeyGroupCommand({ Id: keyGroupId }))).KeyGroup?.KeyGroupConfig?.Items ?? [];
    expect(items).toHaveLength(2);
    expect(items).toContain(legacyKeyId);
    // Nothing landed in keyturn's own account's CloudFront.
    const home = new CloudFrontClient({ region: 'us-east-1' });
    expect((await home.send(new ListKeyGroupsCommand({}))).KeyGroupList?.Quantity).toBe(0);
    expect((await home.send(new ListPublicKeysCommand({}))).PublicKeyList?.Quantity).toBe(0);

    const cloudFrontCalls = await calls({ service: 'cloudfront' });
    expect(cloudFrontCalls.length).toBeGreaterThan(0);
    for (const call of cloudFrontCalls) {
      expect(call).toMatchObject({ account: PRODUCTION, principal: `arn:aws:sts::${PRODUCTION}:assumed-role/keyturn-target/${executionName}` });
    }
    const secretCalls = await calls({ service: 'secretsmanager' });
    expect(secretCalls.every((c) => c.account === HOME && c.principal === undefined)).toBe(true);
    const assumed = await calls({ service: 'sts', operation: 'AssumeRole' });
    expect(assumed.length).toBeGreaterThan(0);
    expect(assumed.every((c) => c.status === 200 && c.account === HOME && c.resource === ROLE(PRODUCTION) && c.caller)).toBe(true);
    // The new private key is keyturn's: current in its own Secrets Manager.
    const current = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: 'keyturn/cloudfront/production-media' }));
    expect(current.VersionStages).toContain('AWSCURRENT');
  });

  it('converges after a crash after any Task: the rerun (same rotationId, a new execution and session) ends as an uninterrupted run', async () => {
    const first = await seedProductionKeyGroup();
    const input = (keyGroupId: string, extra: Record<string, unknown> = {}) => ({
      keyGroupId,
      secretId: 'keyturn/cloudfront/production-media',
      graceSeconds: 60,
      slackWebhookSecretId: WEBHOOK,
      testUrlBase: `${sim.url}/_sim/cloudfront/${keyGroupId}`,
      account: { roleArn: ROLE(PRODUCTION) },
      ...extra,
    });
    const reference = await runWorkflow('rotate-cloudfront-key', input(first.keyGroupId), { skipWaits: true });
    expect(reference.status).toBe('SUCCEEDED');
    // Every Task of the state machine that the uninterrupted run went through.
    const definition = JSON.parse(readFileSync(new URL('../../state-machines/rotate-cloudfront-key.asl.json', import.meta.url), 'utf8')) as { States: Record<string, { Type: string }> };
    const visited = new Set(reference.history.filter((e) => e.type === 'StateEntered').map((e) => e.state));
    const tasks = Object.entries(definition.States).filter(([name, state]) => state.Type === 'Task' && visited.has(name)).map(([name]) => name);
    expect(tasks.length).toBeGreaterThan(6);

    for (const state of tasks) {
      await sim.admin('POST', '/_sim/reset');
      const { cf, keyGroupId, legacyKeyId } = await seedProductionKeyGroup();
      const crashedName = `crash-${tasks.indexOf(state)}`;
      const crashed = await runWorkflow('rotate-cloudfront-key', input(keyGroupId), { skipWaits: true, executionName: crashedName, stopAfterState: state });
      expect(crashed.status, state).toBe('STOPPED');
      const rerun = await runWorkflow('rotate-cloudfront-key', input(keyGroupId, { rotationId: crashedName }), { skipWaits: true, executionName: `rerun-${tasks.indexOf(state)}` });

      expect(rerun.status, `${state}: ${JSON.stringify(rerun.error)}`).toBe('SUCCEEDED');
      const items = (await cf.send(new GetKeyGroupCommand({ Id: keyGroupId }))).KeyGroup?.KeyGroupConfig?.Items ?? [];
      expect(items, state).toHaveLength(2);
      expect(items, state).toContain(legacyKeyId);
      expect((await cf.send(new ListPublicKeysCommand({}))).PublicKeyList?.Quantity, `${state}: no orphan public key`).toBe(2);
      expect((await new CloudFrontClient({ region: 'us-east-1' }).send(new ListPublicKeysCommand({}))).PublicKeyList?.Quantity, state).toBe(0);
      expect(await slack(), `${state}: Slack told once`).toHaveLength(1);
    }
  }, 120_000);

  it('fails clearly, naming the role, and changes nothing when the role does not trust keyturn', async () => {
    const { cf, keyGroupId, legacyKeyId } = await seedProductionKeyGroup();
    await declareRole(PRODUCTION, ['999999999999']); // someone narrowed the trust policy

    const result = await runWorkflow(
      'rotate-cloudfront-key',
      { keyGroupId, secretId: 'keyturn/cloudfront/production-media', slackWebhookSecretId: WEBHOOK, account: { roleArn: ROLE(PRODUCTION) } },
      { skipWaits: true },
    );

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('AssumeRoleFailedError');
    expect(String(result.error?.cause)).toContain(ROLE(PRODUCTION));
    expectNoSecrets(result);
    expect((await cf.send(new GetKeyGroupCommand({ Id: keyGroupId }))).KeyGroup?.KeyGroupConfig?.Items).toEqual([legacyKeyId]);
    const writes = (await calls()).filter((c) => !/^(Get|List|Describe|Head|AssumeRole)/.test(c.operation));
    expect(writes).toEqual([]);
    const [message] = await slack();
    expect(JSON.stringify(message?.body)).toContain('AssumeRoleFailedError');
  });
});

describe('rotate-lightsail-bucket-key in another region of keyturn’s account', () => {
  it('rotates the bucket where it is, probes it there, and keeps the secret in keyturn’s region', async () => {
    const west = new LightsailClient({ region: 'eu-west-1' });
    await west.send(new CreateBucketCommand({ bucketName: 'eu-uploads', bundleId: 'small_1_0' }));
    const { accessKey } = await west.send(new CreateBucketAccessKeyCommand({ bucketName: 'eu-uploads' }));
    await seedWebhook();

    const result = await runWorkflow(
      'rotate-lightsail-bucket-key',
      { bucketName: 'eu-uploads', secretId: 'keyturn/lightsail/eu-uploads', graceSeconds: 60, slackWebhookSecretId: WEBHOOK, account: { region: 'eu-west-1' } },
      { skipWaits: true },
    );

    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expectNoSecrets(result);
    const keys = (await west.send(new GetBucketAccessKeysCommand({ bucketName: 'eu-uploads' }))).accessKeys ?? [];
    expect(keys.map((k) => k.accessKeyId)).not.toContain(accessKey?.accessKeyId);
    expect(keys).toHaveLength(1);
    expect((await calls({ service: 'lightsail' })).every((c) => c.region === 'eu-west-1')).toBe(true);
    expect((await calls({ service: 's3', operation: 'ListObjectsV2' })).map((c) => [c.region, c.status])).toEqual([['eu-west-1', 200]]);
    const stored = await new SecretsManagerClient({ region: 'us-east-1' }).send(new GetSecretValueCommand({ SecretId: 'keyturn/lightsail/eu-uploads' }));
    expect(JSON.parse(stored.SecretString ?? '{}')).toMatchObject({ accessKeyId: keys[0]?.accessKeyId, bucketName: 'eu-uploads', region: 'eu-west-1' });
  });
});

describe('rotate-apigw-client-cert and rotate-lightsail-bucket-key in another account', () => {
  it("switches the stages of an API in the target account, trust store kept in keyturn's Secrets Manager", async () => {
    const apigw = new APIGatewayClient({ region: 'us-east-1', credentials: await credentialsIn(PRODUCTION) });
    await sim.admin('POST', '/_sim/clock', { offsetSeconds: -340 * 86_400 }); // a certificate 340 days old
    const old = await apigw.send(new GenerateClientCertificateCommand({ description: 'made by hand' }));
    await sim.admin('POST', '/_sim/clock', { offsetSeconds: 0 });
    const restApiId = (await apigw.send(new CreateRestApiCommand({ name: 'orders' }))).id!;
    const deploymentId = (await apigw.send(new CreateDeploymentCommand({ restApiId }))).id!;
    await apigw.send(new CreateStageCommand({ restApiId, stageName: 'prod', deploymentId }));
    await apigw.send(new UpdateStageCommand({ restApiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/clientCertificateId', value: old.clientCertificateId! }] }));
    const trusted = { clientCertificateId: old.clientCertificateId, pemEncodedCertificate: old.pemEncodedCertificate, expirationDate: old.expirationDate!.toISOString() };
    await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: 'keyturn/apigw/orders', SecretString: JSON.stringify({ certificates: [trusted] }) }));
    await seedWebhook();

    const result = await runWorkflow(
      'rotate-apigw-client-cert',
      { restApiId, trustStoreSecretId: 'keyturn/apigw/orders', slackWebhookSecretId: WEBHOOK, graceSeconds: 60, account: { roleArn: ROLE(PRODUCTION) } },
      { skipWaits: true, executionName: 'orders-client-cert-20261130' },
    );

    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    const stage = await apigw.send(new GetStageCommand({ restApiId, stageName: 'prod' }));
    expect(stage.clientCertificateId).toBeDefined();
    expect(stage.clientCertificateId).not.toBe(old.clientCertificateId);
    expect((await apigw.send(new GetClientCertificatesCommand({}))).items?.map((c) => c.clientCertificateId)).toEqual([stage.clientCertificateId]);
    expect((await new APIGatewayClient({ region: 'us-east-1' }).send(new GetClientCertificatesCommand({}))).items ?? []).toEqual([]);
    const apigwCalls = await calls({ service: 'apigateway' });
    expect(apigwCalls.length).toBeGreaterThan(0);
    expect(apigwCalls.every((c) => c.account === PRODUCTION && c.principal?.endsWith('/orders-client-cert-20261130'))).toBe(true);
    expect((await calls({ service: 'secretsmanager' })).every((c) => c.account === HOME)).toBe(true);
    // The backend (the mTLS stand-in) accepts the certificate the production stage now presents.
    const probe = await fetch(`${sim.url}/_sim/apigateway/${restApiId}/prod?trustStoreSecretId=keyturn/apigw/orders`);
    expect(probe.status, await probe.text()).toBe(200);
  });

  it('rotates a bucket key in the target account and region, and probes the bucket there', async () => {
    const lightsail = new LightsailClient({ region: 'eu-west-1', credentials: await credentialsIn(PRODUCTION) });
    await lightsail.send(new CreateBucketCommand({ bucketName: 'prod-uploads', bundleId: 'small_1_0' }));
    await lightsail.send(new CreateBucketAccessKeyCommand({ bucketName: 'prod-uploads' }));
    await seedWebhook();

    const result = await runWorkflow(
      'rotate-lightsail-bucket-key',
      { bucketName: 'prod-uploads', secretId: 'keyturn/lightsail/prod-uploads', graceSeconds: 60, slackWebhookSecretId: WEBHOOK, account: { roleArn: ROLE(PRODUCTION), region: 'eu-west-1' } },
      { skipWaits: true },
    );

    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expectNoSecrets(result);
    expect((await calls({ service: 'lightsail' })).every((c) => c.account === PRODUCTION && c.region === 'eu-west-1' && c.principal !== undefined)).toBe(true);
    expect((await calls({ service: 's3' })).map((c) => [c.account, c.region, c.status])).toEqual([[PRODUCTION, 'eu-west-1', 200]]);
    expect((await lightsail.send(new GetBucketAccessKeysCommand({ bucketName: 'prod-uploads' }))).accessKeys).toHaveLength(1);
  });
});

describe('check-iam-cert-expiry over several accounts', () => {
  let soon: GeneratedCertificate;
  let later: GeneratedCertificate;
  beforeAll(async () => {
    soon = await makeCertificate({ commonName: 'pay.example.com', keyAlgorithm: 'EC-P256', notAfter: new Date(Date.now() + 5 * DAY_MS + 3_600_000) });
    later = await makeCertificate({ commonName: 'tools.example.com', keyAlgorithm: 'EC-P256', notAfter: new Date(Date.now() + 20 * DAY_MS + 3_600_000) });
  });

  async function upload(iam: IAMClient, name: string, cert: GeneratedCertificate): Promise<void> {
    await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: name, CertificateBody: cert.certificatePem, PrivateKey: cert.privateKeyPem }));
  }

  it('sends one digest with a line per account, each alert naming its account, and a line for an account it could not check', async () => {
    await upload(new IAMClient({ region: 'us-east-1' }), 'tools-2026', later);
    await upload(new IAMClient({ region: 'us-east-1', credentials: await credentialsIn(PRODUCTION) }), 'pay-2026', soon);
    await declareRole(SANDBOX, ['999999999999']); // keyturn may not assume it
    await seedWebhook();
    const executionName = 'certificate-expiry-20261130T0800Z';

    const result = await runWorkflow(
      'check-iam-cert-expiry',
      {
        slackWebhookSecretId: WEBHOOK,
        thresholdsDays: [30, 14, 7],
        accounts: [
          { label: 'tooling' },
          { label: 'production', accountId: PRODUCTION, roleArn: ROLE(PRODUCTION) },
          { label: 'sandbox', roleArn: ROLE(SANDBOX) },
        ],
      },
      { executionName },
    );

    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expectNoSecrets(result);
    const output = result.output as { certificates: Array<{ name: string; account?: string; daysLeft: number }>; alerted: boolean };
    expect(output.alerted).toBe(true);
    expect(output.certificates.map((c) => [c.account, c.name, c.daysLeft])).toEqual(
      expect.arrayContaining([['tooling', 'tools-2026', 20], ['production', 'pay-2026', 5]]),
    );
    const messages = await slack();
    expect(messages).toHaveLength(1);
    const text = JSON.stringify(messages[0]?.body);
    expect(text).toContain(`*tooling*: `);
    expect(text).toContain(`*production* (${PRODUCTION}): 0 expired · 1 critical · 0 warning`);
    expect(text).toContain('*sandbox*');
    expect(text).toContain('could not be checked (AssumeRoleFailedError)');
    expect(text).toContain('*pay-2026* in production — 5 days left');

    const listings = await calls({ service: 'iam', operation: 'ListServerCertificates' });
    expect(listings.map((c) => [c.account, c.principal]).sort()).toEqual([
      [HOME, undefined],
      [PRODUCTION, `arn:aws:sts::${PRODUCTION}:assumed-role/keyturn-target/${executionName}`],
    ].sort());
  });

  it('refuses accounts given with account, and duplicate labels, naming the field, before any call', async () => {
    const bad = await runWorkflow('check-iam-cert-expiry', {
      slackWebhookSecretId: WEBHOOK,
      accounts: [{ label: 'a' }, { label: 'a', roleArn: ROLE(PRODUCTION) }],
    });
    expect(bad.status).toBe('FAILED');
    expect(bad.error).toMatchObject({ name: 'InvalidInputError' });
    expect(String(bad.error?.cause)).toContain('accounts.1.label: must be unique among the accounts');
    const both = await runWorkflow('check-iam-cert-expiry', {
      slackWebhookSecretId: WEBHOOK,
      account: { roleArn: ROLE(PRODUCTION) },
      accounts: [{ label: 'a' }],
    });
    expect(String(both.error?.cause)).toContain('accounts: cannot be combined with account');
    expect(await calls()).toEqual([]);
  });
});

describe('import-iam-server-cert into another account', () => {
  it('uploads and reads back in the target account, reading the material from keyturn’s secret', async () => {
    const cert = await makeCertificate({ commonName: 'www.example.com', keyAlgorithm: 'EC-P256' });
    await new SecretsManagerClient({}).send(
      new CreateSecretCommand({ Name: 'keyturn/certificates/www', SecretString: JSON.stringify({ certificateBody: cert.certificatePem, privateKey: cert.privateKeyPem }) }),
    );
    const production = new IAMClient({ region: 'us-east-1', credentials: await credentialsIn(PRODUCTION) });

    const result = await runWorkflow('import-iam-server-cert', {
      sourceSecretId: 'keyturn/certificates/www',
      serverCertificateName: 'www-2026',
      account: { accountId: PRODUCTION, roleArn: ROLE(PRODUCTION) },
    });

    expect(result.status, JSON.stringify(result.error)).toBe('SUCCEEDED');
    expectNoSecrets(result);
    expect(result.output).toMatchObject({ arn: `arn:aws:iam::${PRODUCTION}:server-certificate/www-2026` });
    const stored = await production.send(new GetServerCertificateCommand({ ServerCertificateName: 'www-2026' }));
    expect(stored.ServerCertificate?.ServerCertificateMetadata?.ServerCertificateName).toBe('www-2026');
    await expect(new IAMClient({ region: 'us-east-1' }).send(new GetServerCertificateCommand({ ServerCertificateName: 'www-2026' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    expect((await calls({ service: 'iam' })).every((c) => c.account === PRODUCTION)).toBe(true);
  });
});

describe('least privilege across accounts', () => {
  const repo = fileURLToPath(new URL('../..', import.meta.url));
  // The targets this file ran, as a config would declare them.
  const config = validateConfig(
    {
      slackWebhookSecretId: WEBHOOK,
      targets: {
        'production-media': { workflow: 'rotate-cloudfront-key', roleArn: ROLE(PRODUCTION), input: { keyGroupId: 'kg', secretId: 'keyturn/cloudfront/production-media' } },
        'eu-uploads': { workflow: 'rotate-lightsail-bucket-key', region: 'eu-west-1', input: { bucketName: 'eu-uploads', secretId: 'keyturn/lightsail/eu-uploads' } },
        'prod-uploads': { workflow: 'rotate-lightsail-bucket-key', roleArn: ROLE(PRODUCTION), region: 'eu-west-1', input: { bucketName: 'prod-uploads', secretId: 'keyturn/lightsail/prod-uploads' } },
        orders: { workflow: 'rotate-apigw-client-cert', roleArn: ROLE(PRODUCTION), input: { restApiId: 'a1b2c3d4e5', trustStoreSecretId: 'keyturn/apigw/orders' } },
        expiry: {
          workflow: 'check-iam-cert-expiry',
          input: { accounts: [{ label: 'tooling' }, { label: 'production', roleArn: ROLE(PRODUCTION) }, { label: 'sandbox', roleArn: ROLE(SANDBOX) }] },
        },
        'www-certificate': { workflow: 'import-iam-server-cert', accountId: PRODUCTION, roleArn: ROLE(PRODUCTION), input: { sourceSecretId: 'keyturn/certificates/www', serverCertificateName: 'www-2026' } },
      },
    },
    { root: repo, file: 'test' },
  );
  const policies = targetRolePolicies(config, repo);
  const WORKFLOWS = ['rotate-cloudfront-key', 'rotate-apigw-client-cert', 'rotate-lightsail-bucket-key', 'check-iam-cert-expiry', 'import-iam-server-cert'];
  const grants = new Map(
    Object.values(policies).map((p) => {
      const role = (p.Properties.Roles as Array<{ Ref: string }>)[0]!.Ref.replace(/IamRoleLambdaExecution$/, '');
      const statement = (p.Properties.PolicyDocument as { Statement: Array<{ Action: string; Resource: string[] }> }).Statement[0]!;
      expect(statement.Action).toBe('sts:AssumeRole');
      return [role.charAt(0).toLowerCase() + role.slice(1), statement.Resource] as const;
    }),
  );

  it('grants sts:AssumeRole only to functions that call a target service, only on the roles the config names', () => {
    expect(grants.get('cloudfrontCheckRotationDue')).toEqual([ROLE(PRODUCTION)]);
    expect(grants.get('expiryCheckAccountCertificates')).toEqual([ROLE(PRODUCTION), ROLE(SANDBOX)]);
    expect(grants.has('expiryCheckCertificates')).toBe(false); // the expiry target names accounts, not an account
    expect(grants.has('cloudfrontNotifyRotated')).toBe(false); // Slack and Secrets Manager stay in keyturn's account
    expect(grants.get('lightsailTestNewKey')).toBeUndefined(); // it signs with the bucket key, not the role
    for (const fn of grants.keys()) {
      expect(WORKFLOWS.some((w) => functionsActingInTargets(repo, w).includes(fn))).toBe(true);
    }
  });

  it('allowed every AssumeRole a function made in this file, and each role granted to a workflow was assumed by one of its functions', () => {
    expect(assumed.length).toBeGreaterThan(0);
    for (const call of assumed) {
      const fn = call.caller!.replace(/^keyturn-local-/, '');
      expect(grants.get(fn) ?? [], `${fn} assumed ${call.resource}`).toContain(call.resource);
    }
    const assumedRoles = new Set(assumed.map((c) => `${c.caller!.replace(/^keyturn-local-/, '')} ${c.resource}`));
    for (const [fn, roles] of grants) {
      const workflowFunctions = WORKFLOWS.map((w) => functionsActingInTargets(repo, w)).find((fns) => fns.includes(fn))!;
      for (const role of roles) {
        expect(workflowFunctions.some((other) => assumedRoles.has(`${other} ${role}`)), `${role} (granted to ${fn}) assumed by its workflow`).toBe(true);
      }
    }
  });
});
