/**
 * Dry run writes nothing, Slack included, even when it fails (README, "Dry run"): a failed dry
 * run ends FAILED with its error for whoever started it (`keyturn plan` prints it) and tells Slack
 * nothing, where the same failure in a real run is reported to Slack. Through the real
 * state-machine files on the simulator.
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { runWorkflow } from '../../src/local/runner';
import type { SlackMessage } from '../../src/local/sim/state';
import { useSimulator } from '../support/sim';

const sim = useSimulator();
const WEBHOOK = 'keyturn/slack/webhook';

async function seedWebhook(): Promise<void> {
  await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: WEBHOOK, SecretString: JSON.stringify({ url: `${sim.url}/_sim/slack/T0/B0/x` }) }));
}

async function slack(): Promise<SlackMessage[]> {
  return (await sim.admin<{ messages: SlackMessage[] }>('GET', '/_sim/slack')).messages;
}

const failing: Array<[string, Record<string, unknown>, (() => Promise<void>)?]> = [
  ['rotate-cloudfront-key', { keyGroupId: '00000000-0000-4000-8000-000000000000', secretId: 'keyturn/cloudfront/none', slackWebhookSecretId: WEBHOOK }],
  ['rotate-lightsail-bucket-key', { bucketName: 'no-such-bucket', secretId: 'keyturn/lightsail/none', slackWebhookSecretId: WEBHOOK }],
  ['rotate-apigw-client-cert', { restApiId: 'nosuchapi1', trustStoreSecretId: 'keyturn/apigw/none', slackWebhookSecretId: WEBHOOK }],
  [
    'check-iam-cert-expiry',
    { slackWebhookSecretId: WEBHOOK },
    () => sim.admin('POST', '/_sim/faults', { service: 'iam', operation: 'ListServerCertificates', count: -1, error: { code: 'AccessDenied', status: 403 } }),
  ],
  ['import-iam-server-cert', { sourceSecretId: 'keyturn/certificates/none', serverCertificateName: 'www-2026', slackWebhookSecretId: WEBHOOK }],
  ['import-iam-server-cert', { sourceSecretId: 'keyturn/certificates/none', serverCertificateName: 'not a name!', slackWebhookSecretId: WEBHOOK }],
];

describe('a dry run that fails', () => {
  it.each(failing)('%s: fails without telling Slack, where the real run tells it (%j)', async (workflow, input, arrange) => {
    await seedWebhook();
    await arrange?.();

    const dry = await runWorkflow(workflow, { ...input, dryRun: true }, { skipWaits: true });
    expect(dry.status).toBe('FAILED');
    expect(await slack()).toEqual([]);

    const real = await runWorkflow(workflow, input, { skipWaits: true });
    expect(real.status).toBe('FAILED');
    expect(real.error?.name).toBe(dry.error?.name);
    expect(await slack()).toHaveLength(1);
  });
});
