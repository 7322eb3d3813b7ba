/**
 * import-iam-server-cert: a renewed, valid certificate waiting in Secrets Manager, imported under
 * a CloudFront path.
 */
import { IAMClient, ListServerCertificatesCommand, UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Target, TargetAdapter } from '../support/adapter';
import { DAY_MS, makeCertificate } from '../../support/certs';

const SOURCE_SECRET_ID = 'keyturn/certificates/www-reliability';
const SLACK_SECRET_ID = 'keyturn/slack/reliability-certificates';
const iam = () => new IAMClient({ maxAttempts: 1 });

async function certificates(): Promise<string[]> {
  return ((await iam().send(new ListServerCertificatesCommand({}))).ServerCertificateMetadataList ?? []).map((c) => `${c.Path}${c.ServerCertificateName}`).sort();
}

export const adapter: TargetAdapter = {
  workflow: 'import-iam-server-cert',
  kind: 'report',
  async seed(h) {
    const cert = await makeCertificate({ commonName: 'www.example.com', keyAlgorithm: 'EC-P256', notAfter: new Date(Date.now() + 90 * DAY_MS) });
    const sm = new SecretsManagerClient({});
    await sm.send(new CreateSecretCommand({ Name: SOURCE_SECRET_ID, SecretString: JSON.stringify({ certificateBody: cert.certificatePem, privateKey: cert.privateKeyPem }) }));
    await sm.send(new CreateSecretCommand({ Name: SLACK_SECRET_ID, SecretString: `${h.sim.url}/_sim/slack/T0/B0/import` }));
    return { input: { sourceSecretId: SOURCE_SECRET_ID, serverCertificateName: 'www-reliability', path: '/cloudfront/www/', slackWebhookSecretId: SLACK_SECRET_ID }, ids: {} };
  },
  resumeInput: (target) => target.input,
  async snapshot() {
    return { certificates: await certificates() };
  },
  async invariants() {
    const names = await certificates();
    return names.filter((n) => n.endsWith('www-reliability')).length > 1 ? ['the certificate was uploaded twice'] : [];
  },
  didWork: (result) => result.status === 'SUCCEEDED',
  creatingSteps: [{ state: 'Validate and upload certificate', afterOperation: 'UploadServerCertificate' }],
  humanEdits: [
    {
      name: 'someone uploads another certificate during the import',
      async apply(_h, _target, pick) {
        const name = `human-${pick}-${Math.random().toString(36).slice(2, 6)}`;
        const cert = await makeCertificate({ commonName: `${name}.example.com`, keyAlgorithm: 'EC-P256' });
        await iam().send(new UploadServerCertificateCommand({ ServerCertificateName: name, CertificateBody: cert.certificatePem, PrivateKey: cert.privateKeyPem }));
        return async () => ((await certificates()).includes(`/${name}`) ? [] : [`human's certificate ${name} was lost`]);
      },
    },
  ],
  stormOperations: [
    ...['ListServerCertificates', 'GetServerCertificate', 'UploadServerCertificate'].map((operation) => ({ service: 'iam', operation })),
    { service: 'secretsmanager', operation: 'GetSecretValue' },
    { service: 'slack', operation: 'PostMessage' },
  ],
  badInputs(target: Target) {
    const good = { ...target.input };
    const without = (field: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== field));
    return [
      { what: 'sourceSecretId missing', input: without('sourceSecretId'), field: 'sourceSecretId' },
      { what: 'serverCertificateName missing', input: without('serverCertificateName'), field: 'serverCertificateName' },
      { what: 'serverCertificateName of the wrong type', input: { ...good, serverCertificateName: 2026 }, field: 'serverCertificateName' },
      { what: 'serverCertificateName with spaces', input: { ...good, serverCertificateName: 'www 2026' }, field: 'serverCertificateName' },
      { what: 'serverCertificateName over 128 characters', input: { ...good, serverCertificateName: 'w'.repeat(129) }, field: 'serverCertificateName' },
      { what: 'path without a trailing slash', input: { ...good, path: '/cloudfront/www' }, field: 'path' },
      { what: 'sourceSecretId empty', input: { ...good, sourceSecretId: '' }, field: 'sourceSecretId' },
      { what: 'a source secret that does not exist', input: { ...good, sourceSecretId: 'keyturn/certificates/no-such-secret' }, field: 'sourceSecretId' },
      { what: 'an unknown field privateKey', input: { ...good, privateKey: 'pasted here' }, field: 'privateKey' },
      { what: 'account whose role ARN names a user', input: { ...good, account: { roleArn: 'arn:aws:iam::111122223333:user/keyturn' } }, field: 'account.roleArn' },
      { what: 'a comment over 128 characters (no such field)', input: { ...good, comment: 'x'.repeat(129) }, field: 'comment' },
    ];
  },
};
