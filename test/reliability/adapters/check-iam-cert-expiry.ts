/**
 * check-iam-cert-expiry: an account with certificates 2, 20 and 400 days from expiry; one digest.
 */
import { IAMClient, ListServerCertificatesCommand, UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Target, TargetAdapter } from '../support/adapter';
import { DAY_MS, makeCertificate } from '../../support/certs';

const SLACK_SECRET_ID = 'keyturn/slack/reliability-certificates';
const iam = () => new IAMClient({ maxAttempts: 1 });

async function upload(name: string, days: number, path = '/'): Promise<void> {
  const cert = await makeCertificate({ commonName: `${name}.example.com`, keyAlgorithm: 'EC-P256', notAfter: new Date(Date.now() + days * DAY_MS + 3_600_000) });
  await iam().send(new UploadServerCertificateCommand({ ServerCertificateName: name, Path: path, CertificateBody: cert.certificatePem, PrivateKey: cert.privateKeyPem }));
}

async function certificateNames(): Promise<string[]> {
  return ((await iam().send(new ListServerCertificatesCommand({}))).ServerCertificateMetadataList ?? []).map((c) => c.ServerCertificateName!).sort();
}

export const adapter: TargetAdapter = {
  workflow: 'check-iam-cert-expiry',
  kind: 'report',
  async seed(h) {
    for (const [name, days] of [['soon', 2], ['later', 20], ['fine', 400]] as const) await upload(name, days);
    await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: SLACK_SECRET_ID, SecretString: `${h.sim.url}/_sim/slack/T0/B0/certificates` }));
    return { input: { slackWebhookSecretId: SLACK_SECRET_ID, accountLabel: 'reliability' }, ids: {} };
  },
  resumeInput: (target) => target.input,
  async snapshot() {
    return { certificates: await certificateNames() };
  },
  async invariants() {
    return [];
  },
  didWork: (result) => result.status === 'SUCCEEDED' && (result.output as { alerted?: boolean } | undefined)?.alerted === true,
  creatingSteps: [],
  humanEdits: [
    {
      name: 'someone uploads a certificate during the check',
      async apply(_h, _target, pick) {
        const name = `human-${pick}-${Math.random().toString(36).slice(2, 6)}`;
        await upload(name, 200);
        return async () => ((await certificateNames()).includes(name) ? [] : [`human's certificate ${name} was lost`]);
      },
    },
  ],
  stormOperations: [
    { service: 'iam', operation: 'ListServerCertificates' },
    ...['GetSecretValue', 'PutSecretValue', 'CreateSecret', 'DescribeSecret'].map((operation) => ({ service: 'secretsmanager', operation })),
    { service: 'slack', operation: 'PostMessage' },
  ],
  badInputs(target: Target) {
    const good = { ...target.input };
    return [
      { what: 'slackWebhookSecretId missing', input: { accountLabel: 'x' }, field: 'slackWebhookSecretId' },
      { what: 'slackWebhookSecretId of the wrong type', input: { ...good, slackWebhookSecretId: true }, field: 'slackWebhookSecretId' },
      { what: 'slackWebhookSecretId empty', input: { ...good, slackWebhookSecretId: '' }, field: 'slackWebhookSecretId' },
      { what: 'a webhook secret that does not exist', input: { ...good, slackWebhookSecretId: 'keyturn/slack/no-such-secret' }, field: 'slackWebhookSecretId' },
      { what: 'pathPrefix without a leading slash', input: { ...good, pathPrefix: 'cloudfront/' }, field: 'pathPrefix' },
      { what: 'pathPrefix with spaces', input: { ...good, pathPrefix: '/my certs/' }, field: 'pathPrefix' },
      { what: 'thresholdsDays empty', input: { ...good, thresholdsDays: [] }, field: 'thresholdsDays' },
      { what: 'a negative threshold', input: { ...good, thresholdsDays: [30, -1] }, field: 'thresholdsDays.1' },
      { what: 'a fractional threshold', input: { ...good, thresholdsDays: [1.5] }, field: 'thresholdsDays.0' },
      { what: 'more than 10 thresholds', input: { ...good, thresholdsDays: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }, field: 'thresholdsDays' },
      { what: 'mutedCertificateNames not a list', input: { ...good, mutedCertificateNames: 'lab' }, field: 'mutedCertificateNames' },
      { what: 'accountLabel over 80 characters', input: { ...good, accountLabel: 'x'.repeat(81) }, field: 'accountLabel' },
      { what: 'accounts empty', input: { ...good, accounts: [] }, field: 'accounts' },
      { what: 'two accounts with one label', input: { ...good, accounts: [{ label: 'prod' }, { label: 'prod', roleArn: 'arn:aws:iam::111122223333:role/k' }] }, field: 'accounts.1.label' },
      { what: 'an account whose role is in another account', input: { ...good, accounts: [{ label: 'prod', accountId: '111122223333', roleArn: 'arn:aws:iam::444455556666:role/k' }] }, field: 'accounts.0.roleArn' },
      { what: 'a comment over 128 characters (no such field)', input: { ...good, comment: 'x'.repeat(129) }, field: 'comment' },
    ];
  },
};
