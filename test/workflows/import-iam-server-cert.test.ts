/**
 * import-iam-server-cert end to end on the simulator with real certificates: every bad case is
 * rejected with its rule and uploads nothing; a good one is uploaded, read back and reported;
 * the private key never appears in state, history, output or Slack.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GetServerCertificateCommand, IAMClient, UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runWorkflow } from '../../src/local/runner';
import { useSimulator } from '../support/sim';
import { DAY_MS, makeCertificate, makeCertificateAuthority, type CertificateAuthority, type GeneratedCertificate } from '../support/certs';

const sim = useSimulator();
const WEBHOOK_SECRET = 'keyturn/slack/certificates';
const SOURCE_SECRET = 'keyturn/certificates/www';

let root: CertificateAuthority;
let intermediate: CertificateAuthority;
let leaf: GeneratedCertificate;
let other: GeneratedCertificate;
let expired: GeneratedCertificate;
let future: GeneratedCertificate;

beforeAll(async () => {
  root = await makeCertificateAuthority({ commonName: 'Test Root', keyAlgorithm: 'EC-P256' });
  intermediate = await makeCertificateAuthority({ commonName: 'Test Intermediate', issuer: root, keyAlgorithm: 'EC-P256' });
  leaf = await makeCertificate({ commonName: 'www.example.com', issuer: intermediate, notAfter: new Date(Date.now() + 90 * DAY_MS) });
  other = await makeCertificate({ commonName: 'other.example.com', keyAlgorithm: 'EC-P256' });
  expired = await makeCertificate({ commonName: 'old.example.com', keyAlgorithm: 'EC-P256', notBefore: new Date(Date.now() - 30 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
  future = await makeCertificate({ commonName: 'new.example.com', keyAlgorithm: 'EC-P256', notBefore: new Date(Date.now() + DAY_MS) });
});

const secrets = () => new SecretsManagerClient({});

async function seed(material: { certificateBody: string; privateKey: string; certificateChain?: string }): Promise<void> {
  await secrets().send(new CreateSecretCommand({ Name: SOURCE_SECRET, SecretString: JSON.stringify(material) }));
  await secrets().send(new CreateSecretCommand({ Name: WEBHOOK_SECRET, SecretString: `${sim.url}/_sim/slack/T000/B000/import` }));
}

const good = () => ({ certificateBody: leaf.certificatePem, privateKey: leaf.privateKeyPem, certificateChain: leaf.chainPem });

async function uploads(): Promise<unknown[]> {
  return (await sim.admin<{ calls: unknown[] }>('GET', '/_sim/calls?service=iam&operation=UploadServerCertificate')).calls;
}

function expectNoKeyMaterial(value: unknown): void {
  const text = JSON.stringify(value);
  expect(text).not.toContain('PRIVATE KEY');
  expect(text).not.toContain(leaf.privateKeyPem.split('\n')[1]!);
  expect(text).not.toContain('/_sim/slack');
}

describe('import-iam-server-cert', () => {
  it('uploads a valid certificate with its chain, reads it back and reports name, ARN and expiry to Slack', async () => {
    await seed(good());

    const result = await runWorkflow(
      'import-iam-server-cert',
      { sourceSecretId: SOURCE_SECRET, serverCertificateName: 'www-2026', path: '/cloudfront/www/', slackWebhookSecretId: WEBHOOK_SECRET },
      { skipWaits: true },
    );

    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as Record<string, unknown>;
    expect(output).toMatchObject({
      serverCertificateName: 'www-2026',
      arn: 'arn:aws:iam::123456789012:server-certificate/cloudfront/www/www-2026',
      path: '/cloudfront/www/',
      usableByCloudFront: true,
      alreadyImported: false,
    });
    const stored = await new IAMClient({}).send(new GetServerCertificateCommand({ ServerCertificateName: 'www-2026' }));
    expect(stored.ServerCertificate?.ServerCertificateMetadata?.ServerCertificateId).toBe(output.serverCertificateId);
    expect(output.expiration).toBe(stored.ServerCertificate?.ServerCertificateMetadata?.Expiration?.toISOString());

    const { messages } = await sim.admin<{ messages: Array<{ body: { text: string; blocks: unknown[] } }> }>('GET', '/_sim/slack');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body.text).toBe(`IAM server certificate www-2026 imported, expires ${String(output.expiration).slice(0, 10)}`);
    expect(JSON.stringify(messages[0]!.body.blocks)).toContain('`arn:aws:iam::123456789012:server-certificate/cloudfront/www/www-2026`');
    expectNoKeyMaterial(result);
    expectNoKeyMaterial(messages);
  });

  it('converges on a rerun: the certificate already under the name is reported, not uploaded twice', async () => {
    await seed(good());
    const input = { sourceSecretId: SOURCE_SECRET, serverCertificateName: 'www-2026' };

    const first = await runWorkflow('import-iam-server-cert', input, { skipWaits: true });
    const second = await runWorkflow('import-iam-server-cert', input, { skipWaits: true });

    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(second.output).toMatchObject({ alreadyImported: true, arn: (first.output as { arn: string }).arn, usableByCloudFront: false });
    expect(await uploads()).toHaveLength(1);
  });

  const bad: Array<[string, () => { certificateBody: string; privateKey: string; certificateChain?: string }, Record<string, string>, string, string]> = [
    ['a body that is not PEM', () => ({ ...good(), certificateBody: 'not a certificate' }), {}, 'MalformedCertificateError', 'pem-parses'],
    ['an expired certificate', () => ({ certificateBody: expired.certificatePem, privateKey: expired.privateKeyPem }), {}, 'CertificateExpiredError', 'not-expired'],
    ['a certificate not valid yet', () => ({ certificateBody: future.certificatePem, privateKey: future.privateKeyPem }), {}, 'CertificateNotYetValidError', 'not-yet-valid'],
    ['the private key of another certificate', () => ({ ...good(), privateKey: other.privateKeyPem }), {}, 'KeyPairMismatchError', 'private-key-matches-certificate'],
    ['a chain that does not issue the certificate', () => ({ ...good(), certificateChain: root.certificatePem }), {}, 'ChainMismatchError', 'chain-links-to-certificate'],
    ['a name with a slash', good, { serverCertificateName: 'www/2026' }, 'InvalidCertificateNameError', 'name-follows-aws-rules'],
    ['a path without a trailing slash', good, { path: '/cloudfront/www' }, 'InvalidCertificatePathError', 'path-follows-aws-rules'],
  ];

  it.each(bad)('rejects %s with its rule, reports it, and uploads nothing', async (_, material, overrides, name, rule) => {
    await seed(material());

    const result = await runWorkflow(
      'import-iam-server-cert',
      { sourceSecretId: SOURCE_SECRET, serverCertificateName: 'www-2026', slackWebhookSecretId: WEBHOOK_SECRET, ...overrides },
      { skipWaits: true },
    );

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe(name);
    expect(result.error?.cause).toContain(`rule ${rule}`);
    expect(await uploads()).toEqual([]);
    const { messages } = await sim.admin<{ messages: Array<{ body: { text: string } }> }>('GET', '/_sim/slack');
    expect(messages.map((m) => m.body.text)).toEqual([`import-iam-server-cert failed at "Validate and upload certificate" (${name})`]);
    expectNoKeyMaterial(result);
  });

  it('rejects a name already holding another certificate, and uploads nothing', async () => {
    await seed(good());
    await new IAMClient({}).send(
      new UploadServerCertificateCommand({ ServerCertificateName: 'www-2026', CertificateBody: other.certificatePem, PrivateKey: other.privateKeyPem }),
    );
    await sim.admin('DELETE', '/_sim/calls');

    const result = await runWorkflow('import-iam-server-cert', { sourceSecretId: SOURCE_SECRET, serverCertificateName: 'www-2026' }, { skipWaits: true });

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('CertificateNameTakenError');
    expect(result.error?.cause).toContain('rule name-not-taken');
    expect(await uploads()).toEqual([]);
  });

  it('plans without writing anything when dryRun is true', async () => {
    await seed(good());
    await sim.admin('DELETE', '/_sim/calls');

    const result = await runWorkflow(
      'import-iam-server-cert',
      { sourceSecretId: SOURCE_SECRET, serverCertificateName: 'www-2026', path: '/cloudfront/www/', slackWebhookSecretId: WEBHOOK_SECRET, dryRun: true },
      { skipWaits: true },
    );

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ dryRun: true, serverCertificateName: 'www-2026', path: '/cloudfront/www/', wouldUpload: true, expiration: expect.any(String), usableByCloudFront: true });
    const { calls } = await sim.admin<{ calls: { operation: string }[] }>('GET', '/_sim/calls');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.map((c) => c.operation).filter((op) => !/^(Get|List|Describe|Head)/.test(op))).toEqual([]);
    expect((await sim.admin<{ messages: unknown[] }>('GET', '/_sim/slack')).messages).toEqual([]);
    expectNoKeyMaterial(result);
  });

  it('refuses unknown input fields before reading anything', async () => {
    const result = await runWorkflow('import-iam-server-cert', { sourceSecretId: SOURCE_SECRET, serverCertificateName: 'www', privateKey: 'x' }, { skipWaits: true });
    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('InvalidInputError');
    expect(result.error?.cause).toContain('privateKey: unknown field');
  });
});
