/**
 * check-iam-cert-expiry end to end: the real state machine file, run by the local runner, its
 * handlers calling the simulator through the unmodified SDK, with real X.509 certificates.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { IAMClient, UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runWorkflow } from '../../src/local/runner';
import { useSimulator } from '../support/sim';
import { DAY_MS, makeCertificate, type GeneratedCertificate } from '../support/certs';

const sim = useSimulator();
const WEBHOOK_SECRET = 'keyturn/slack/certificates';
const MEMORY_SECRET = 'keyturn/state/check-iam-cert-expiry';
const HOOK_PATH = '/T000/B000/expiry';
const ARN = (path: string, name: string) => `arn:aws:iam::123456789012:server-certificate${path}${name}`;

const iam = () => new IAMClient({});
const secrets = () => new SecretsManagerClient({});

interface SlackMessages {
  messages: Array<{ path: string; status: number; body: { text: string; blocks: unknown[] } }>;
}

/** Days → a certificate whose notAfter is that many days (plus an hour of slack) from now. */
const certificates = new Map<number, GeneratedCertificate>();
const DAYS = [0, 1, 3, 7, 14, 30, 31, 400];

beforeAll(async () => {
  await Promise.all(
    DAYS.map(async (days) => {
      certificates.set(days, await makeCertificate({ commonName: `d${days}.example.com`, keyAlgorithm: 'EC-P256', notAfter: new Date(Date.now() + days * DAY_MS + 3_600_000) }));
    }),
  );
  // Valid when uploaded (the simulator refuses expired uploads, like IAM), expired two days ago.
  certificates.set(-2, await makeCertificate({ commonName: 'old.example.com', keyAlgorithm: 'EC-P256', notBefore: new Date(Date.now() - 30 * DAY_MS), notAfter: new Date(Date.now() - 2 * DAY_MS) }));
});

afterEach(() => {
  vi.useRealTimers();
});

async function upload(name: string, days: number, path = '/'): Promise<void> {
  const cert = certificates.get(days)!;
  if (days < 0) await sim.admin('POST', '/_sim/clock', { offsetSeconds: -20 * 86400 });
  await iam().send(new UploadServerCertificateCommand({ ServerCertificateName: name, Path: path, CertificateBody: cert.certificatePem, PrivateKey: cert.privateKeyPem }));
  if (days < 0) await sim.admin('POST', '/_sim/clock', { offsetSeconds: 0 });
}

async function seedWebhook(): Promise<void> {
  await secrets().send(new CreateSecretCommand({ Name: WEBHOOK_SECRET, SecretString: `${sim.url}/_sim/slack${HOOK_PATH}` }));
}

/** notAfter as the digest prints it (X.509 keeps whole seconds). */
function printed(days: number): string {
  const iso = new Date(Math.floor(certificates.get(days)!.notAfter.getTime() / 1000) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function alertBlock(name: string, days: number, line1: string, path = '/') {
  const arn = ARN(path, name);
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text:
        `${line1}\n` +
        `${days < 0 ? 'Expired' : 'Expires'} ${printed(days)} · path \`${path}\`\n` +
        `\`${arn}\`\n` +
        `<https://us-east-1.console.aws.amazon.com/cloudshell/home?region=us-east-1|Open CloudShell>: \`aws iam get-server-certificate --server-certificate-name ${name}\``,
    },
  };
}

describe('check-iam-cert-expiry', () => {
  it('classifies expired, 0, 1, 3, 7, 14, 30, 31 and 400 days and posts the exact digest, muted last', async () => {
    for (const days of [-2, ...DAYS]) await upload(days < 0 ? 'expired-cert' : `d${days}`, days);
    await upload('muted-lab', 3);
    await seedWebhook();

    const result = await runWorkflow(
      'check-iam-cert-expiry',
      { slackWebhookSecretId: WEBHOOK_SECRET, mutedCertificateNames: ['muted-lab'], accountLabel: 'prod' },
      { skipWaits: true },
    );

    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as { certificates: Array<{ name: string; daysLeft: number; severity: string; arn: string; expiration: string }>; alerted: boolean };
    expect(output.alerted).toBe(true);
    expect(output.certificates.map((c) => [c.name, c.daysLeft, c.severity])).toEqual([
      ['expired-cert', -2, 'expired'],
      ['d0', 0, 'critical'],
      ['d1', 1, 'critical'],
      ['d3', 3, 'warning'],
      ['muted-lab', 3, 'warning'],
      ['d7', 7, 'warning'],
      ['d14', 14, 'notice'],
      ['d30', 30, 'notice'],
      ['d31', 31, 'ok'],
      ['d400', 400, 'ok'],
    ]);
    expect(Object.keys(output.certificates[0]!).sort()).toEqual(['arn', 'daysLeft', 'expiration', 'name', 'severity']);

    const { messages } = await sim.admin<SlackMessages>('GET', '/_sim/slack');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.path).toBe(HOOK_PATH);
    expect(messages[0]!.body).toEqual({
      text: 'IAM server certificates — prod: 1 expired, 2 critical, 2 warning, 2 notice',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'IAM server certificate expiry — prod' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*1 expired* · *2 critical* · 2 warning · 2 notice · 2 ok · 1 muted' } },
        { type: 'section', text: { type: 'mrkdwn', text: ':rotating_light: *1 certificate has EXPIRED*: clients using it fail TLS now. Replace it first.' } },
        { type: 'divider' },
        alertBlock('expired-cert', -2, ':rotating_light: *expired-cert* — *EXPIRED* (expired)'),
        alertBlock('d0', 0, ':red_circle: *d0* — *less than a day left* (critical)'),
        alertBlock('d1', 1, ':red_circle: *d1* — 1 day left (critical)'),
        alertBlock('d3', 3, ':large_orange_circle: *d3* — 3 days left (warning)'),
        alertBlock('d7', 7, ':large_orange_circle: *d7* — 7 days left (warning)'),
        alertBlock('d14', 14, ':large_yellow_circle: *d14* — 14 days left (notice)'),
        alertBlock('d30', 30, ':large_yellow_circle: *d30* — 30 days left (notice)'),
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Muted (not alerted): muted-lab (3 days left)' }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'keyturn check-iam-cert-expiry · path prefix `/` · thresholds 30/14/7/3/1 days' }] },
      ],
    });

    // The webhook URL is a secret: never in state, history or output.
    expect(JSON.stringify(result)).not.toContain('/_sim/slack');
  });

  it('plans without writing anything when dryRun is true', async () => {
    await upload('d3', 3);
    await upload('d400', 400);
    await seedWebhook();
    await sim.admin('DELETE', '/_sim/calls');

    const result = await runWorkflow('check-iam-cert-expiry', { slackWebhookSecretId: WEBHOOK_SECRET, dryRun: true }, { skipWaits: true });

    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as { dryRun: boolean; wouldAlert: boolean; certificates: { name: string }[] };
    expect(output).toMatchObject({ dryRun: true, wouldAlert: true });
    expect(output.certificates.map((c) => c.name).sort()).toEqual(['d3', 'd400']);
    const { calls } = await sim.admin<{ calls: { operation: string }[] }>('GET', '/_sim/calls');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.map((c) => c.operation).filter((op) => !/^(Get|List|Describe|Head)/.test(op))).toEqual([]);
    expect((await sim.admin<SlackMessages>('GET', '/_sim/slack')).messages).toEqual([]);
    await expect(secrets().send(new DescribeSecretCommand({ SecretId: MEMORY_SECRET }))).rejects.toThrow();
  });

  it('sends nothing when nothing unmuted is within the largest threshold', async () => {
    await upload('d31', 31);
    await upload('d400', 400);
    await upload('muted-soon', 1);
    await seedWebhook();

    const result = await runWorkflow('check-iam-cert-expiry', { slackWebhookSecretId: WEBHOOK_SECRET, mutedCertificateNames: ['muted-soon'] }, { skipWaits: true });

    expect(result.status).toBe('SUCCEEDED');
    expect((result.output as { alerted: boolean }).alerted).toBe(false);
    expect((await sim.admin<SlackMessages>('GET', '/_sim/slack')).messages).toEqual([]);
  });

  it('says so when a certificate crossed into a new threshold since the last run, and only then', async () => {
    await upload('d14', 14);
    await upload('d30', 30);
    await seedWebhook();
    const input = { slackWebhookSecretId: WEBHOOK_SECRET };

    const first = await runWorkflow('check-iam-cert-expiry', input, { skipWaits: true });
    // Two days later d14 has 12 days left (still ≤14), d30 has 28 (still ≤30): nothing crossed.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * DAY_MS });
    const second = await runWorkflow('check-iam-cert-expiry', input, { skipWaits: true });
    // Five days after the first run d14 has 9 days left... still ≤14; eight days: 6 left, ≤7.
    vi.setSystemTime(Date.now() + 6 * DAY_MS);
    const third = await runWorkflow('check-iam-cert-expiry', input, { skipWaits: true });

    expect([first.status, second.status, third.status]).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const texts = (await sim.admin<SlackMessages>('GET', '/_sim/slack')).messages.map((m) => JSON.stringify(m.body.blocks));
    expect(texts).toHaveLength(3);
    expect(texts[0]).not.toContain(':new:');
    expect(texts[1]).not.toContain(':new:');
    expect(texts[2]).toContain('1 certificate crossed into a new threshold since the last run');
    expect(texts[2]).toContain('*d14* — 6 days left (warning) :new: now within 7 days');
    expect(texts[2]).not.toMatch(/\*d30\*[^"]*:new:/);

    // The memory keys a certificate by its ARN after the shared prefix: [expiry in epoch seconds, threshold].
    const memory = await secrets().send(new GetSecretValueCommand({ SecretId: MEMORY_SECRET }));
    expect(JSON.parse(memory.SecretString!).certificates['/d14'][1]).toBe(7);
  });

  it('checks 1,000 certificates, every one within a threshold, in one listing call and remembers them all in one secret', async () => {
    await sim.admin('POST', '/_sim/iam/settings', { serverCertificateQuota: 1000 });
    const names = Array.from({ length: 1000 }, (_, i) => `fleet-cert-${String(i).padStart(4, '0')}`);
    // The same certificate under 1,000 names (the check reads metadata only), uploaded 25 at a time.
    for (let i = 0; i < names.length; i += 25) await Promise.all(names.slice(i, i + 25).map((name) => upload(name, 3)));
    await seedWebhook();

    const result = await runWorkflow('check-iam-cert-expiry', { slackWebhookSecretId: WEBHOOK_SECRET }, { skipWaits: true });

    expect(result.status).toBe('SUCCEEDED');
    expect((result.output as { certificates: unknown[] }).certificates).toHaveLength(1000);
    const { calls } = await sim.admin<{ calls: unknown[] }>('GET', '/_sim/calls?service=iam&operation=ListServerCertificates');
    expect(calls).toHaveLength(1);
    const memory = (await secrets().send(new GetSecretValueCommand({ SecretId: MEMORY_SECRET }))).SecretString!;
    expect(Buffer.byteLength(memory)).toBeLessThan(64 * 1024);
    expect(Object.keys(JSON.parse(memory).certificates)).toHaveLength(1000);
    expect((await sim.admin<SlackMessages>('GET', '/_sim/slack')).messages).toHaveLength(1);
  }, 30_000);

  it('lists 250 certificates across short pages and emits one days-to-expiry metric each', async () => {
    await sim.admin('POST', '/_sim/iam/settings', { serverCertificateQuota: 300, maxPageItems: 7 });
    for (let i = 0; i < 249; i += 1) await upload(`bulk-${String(i).padStart(3, '0')}`, 400);
    await upload('bulk-soon', 3);
    await seedWebhook();
    const emf: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string' && chunk.includes('ServerCertificateDaysToExpiry')) {
        emf.push(chunk);
        return true;
      }
      return write(chunk as string, ...(rest as []));
    });

    let result;
    try {
      result = await runWorkflow('check-iam-cert-expiry', { slackWebhookSecretId: WEBHOOK_SECRET }, { skipWaits: true });
    } finally {
      spy.mockRestore();
    }

    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as { certificates: Array<{ name: string; severity: string }>; alerted: boolean };
    expect(output.certificates).toHaveLength(250);
    expect(new Set(output.certificates.map((c) => c.name)).size).toBe(250);
    expect(output.certificates[0]).toMatchObject({ name: 'bulk-soon', severity: 'warning' });
    const { calls } = await sim.admin<{ calls: unknown[] }>('GET', '/_sim/calls?service=iam&operation=ListServerCertificates');
    expect(calls.length).toBe(Math.ceil(250 / 7));
    expect(emf).toHaveLength(250);
    const soon = emf.map((line) => JSON.parse(line) as Record<string, unknown>).find((m) => m.ServerCertificateName === 'bulk-soon');
    expect(soon).toMatchObject({ ServerCertificateDaysToExpiry: 3 });
    expect(JSON.stringify((soon as { _aws: unknown })._aws)).toContain('"Dimensions":[["service","ServerCertificateName"]]');
    const digest = (await sim.admin<SlackMessages>('GET', '/_sim/slack')).messages[0]!.body;
    expect(digest.text).toBe('IAM server certificates: 1 warning');
  });

  /** Runs the workflow, keeping the EMF documents (JSON lines with `_aws`) it writes to stdout. */
  async function runCapturingEmf(input: Record<string, unknown>) {
    const emf: Array<Record<string, unknown>> = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string' && chunk.includes('"_aws"')) {
        for (const line of chunk.split('\n').filter(Boolean)) emf.push(JSON.parse(line) as Record<string, unknown>);
        return true;
      }
      return write(chunk as string, ...(rest as []));
    });
    try {
      return { result: await runWorkflow('check-iam-cert-expiry', input, { skipWaits: true }), emf };
    } finally {
      spy.mockRestore();
    }
  }

  it('emits the fewest days left of the unmuted certificates once, with the service dimension only: the series the expiry alarm watches', async () => {
    await upload('soon', 3);
    await upload('far', 400);
    await upload('lab', -2);
    await seedWebhook();

    const { result, emf } = await runCapturingEmf({ slackWebhookSecretId: WEBHOOK_SECRET, mutedCertificateNames: ['lab'] });

    expect(result.status).toBe('SUCCEEDED');
    const minimum = emf.filter((doc) => 'ServerCertificateMinDaysToExpiry' in doc);
    expect(minimum).toHaveLength(1);
    expect(minimum[0]).toMatchObject({ ServerCertificateMinDaysToExpiry: 3, service: 'check-iam-cert-expiry' });
    expect(minimum[0]).not.toHaveProperty('ServerCertificateName');
    expect((minimum[0]!._aws as { CloudWatchMetrics: unknown }).CloudWatchMetrics).toEqual([
      { Namespace: 'keyturn', Dimensions: [['service']], Metrics: [{ Name: 'ServerCertificateMinDaysToExpiry', Unit: 'Count' }] },
    ]);
    // The muted certificate keeps its own series.
    expect(emf.filter((doc) => 'ServerCertificateDaysToExpiry' in doc).map((doc) => doc.ServerCertificateName).sort()).toEqual(['far', 'lab', 'soon']);
  });

  it('emits no metric on a dry run', async () => {
    await upload('soon', 3);
    await seedWebhook();

    const { result, emf } = await runCapturingEmf({ slackWebhookSecretId: WEBHOOK_SECRET, dryRun: true });

    expect(result.status).toBe('SUCCEEDED');
    expect(emf).toEqual([]);
  });

  it('watches only certificates under the path prefix', async () => {
    await upload('web-soon', 3, '/web/');
    await upload('api-soon', 1, '/api/');
    await seedWebhook();

    const result = await runWorkflow('check-iam-cert-expiry', { slackWebhookSecretId: WEBHOOK_SECRET, pathPrefix: '/web/' }, { skipWaits: true });

    expect((result.output as { certificates: Array<{ name: string }> }).certificates.map((c) => c.name)).toEqual(['web-soon']);
    const body = (await sim.admin<SlackMessages>('GET', '/_sim/slack')).messages[0]!.body;
    expect(body.blocks[3]).toEqual(alertBlock('web-soon', 3, ':large_orange_circle: *web-soon* — 3 days left (warning)', '/web/'));
    expect(JSON.stringify(body)).not.toContain('api-soon');
    expect(JSON.stringify(body.blocks.at(-1))).toContain('path prefix `/web/`');
  });

  it('retries a throttled ListServerCertificates and still succeeds', async () => {
    await upload('d7', 7);
    await seedWebhook();
    await sim.admin('POST', '/_sim/faults', { service: 'iam', operation: 'ListServerCertificates', throttle: true, count: 1 });

    const result = await runWorkflow('check-iam-cert-expiry', { slackWebhookSecretId: WEBHOOK_SECRET }, { skipWaits: true });

    expect(result.status).toBe('SUCCEEDED');
    const { calls } = await sim.admin<{ calls: Array<{ status: number; errorCode?: string }> }>('GET', '/_sim/calls?service=iam&operation=ListServerCertificates');
    expect(calls.map((c) => [c.status, c.errorCode])).toEqual([[400, 'Throttling'], [200, undefined]]);
    expect((result.output as { certificates: unknown[] }).certificates).toHaveLength(1);
  });

  it('fails with a clear error after bounded retries when Slack keeps failing, and remembers nothing', async () => {
    await upload('d1', 1);
    await seedWebhook();
    await sim.admin('POST', '/_sim/faults', { service: 'slack', operation: 'PostMessage', error: { code: 'internal_error', status: 500 }, count: 100 });

    const result = await runWorkflow('check-iam-cert-expiry', { slackWebhookSecretId: WEBHOOK_SECRET }, { skipWaits: true });

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('SlackUnavailableError');
    expect(result.error?.cause).toContain('after 3 attempts (HTTP 500)');
    expect((await sim.admin<SlackMessages>('GET', '/_sim/slack')).messages).toHaveLength(3);
    await expect(secrets().send(new GetSecretValueCommand({ SecretId: MEMORY_SECRET }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(JSON.stringify(result)).not.toContain('/_sim/slack');
  });

  it('reports a failure to Slack with the failed step and the error, then fails with that error', async () => {
    await upload('d1', 1);
    await seedWebhook();
    await sim.admin('POST', '/_sim/faults', { service: 'iam', operation: 'ListServerCertificates', error: { code: 'AccessDenied', status: 403 }, count: 1 });

    const result = await runWorkflow('check-iam-cert-expiry', { slackWebhookSecretId: WEBHOOK_SECRET }, { skipWaits: true });

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('AccessDenied');
    const { messages } = await sim.admin<SlackMessages>('GET', '/_sim/slack');
    expect(messages.map((m) => m.body.text)).toEqual(['check-iam-cert-expiry failed at "Check certificate expiry" (AccessDenied)']);
  });

  it('refuses unknown input fields, naming them', async () => {
    const result = await runWorkflow('check-iam-cert-expiry', { slackWebhookSecretId: WEBHOOK_SECRET, thresholds: [5] }, { skipWaits: true });
    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('InvalidInputError');
    expect(result.error?.cause).toContain('thresholds: unknown field');
  });
});
