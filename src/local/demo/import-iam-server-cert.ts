/**
 * Demo: a renewed certificate for www.example.com waits in Secrets Manager (where the CA's
 * delivery put it). keyturn validates it (PEM, dates, key pair, name and path rules), uploads it
 * under a CloudFront path, reads it back and tells Slack. The private key stays in the one Task
 * that uploads it.
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DemoScenario } from './scenarios';
import { DAY_MS, ensureWebhookSecret, selfSignedCertificate, simSettings } from './support';

export const importIamServerCertScenario: DemoScenario = {
  workflow: 'import-iam-server-cert',
  describe: 'import a renewed certificate for CloudFront: validated before upload, read back; Slack is told',
  async seed(simUrl) {
    const now = Date.now();
    const { certificatePem, privateKeyPem } = await selfSignedCertificate('www.example.com', new Date(now - DAY_MS), new Date(now + 397 * DAY_MS));
    const sourceSecretId = 'keyturn/certificates/www-example-com';
    await new SecretsManagerClient(simSettings(simUrl)).send(
      new CreateSecretCommand({ Name: sourceSecretId, SecretString: JSON.stringify({ certificateBody: certificatePem, privateKey: privateKeyPem }) }),
    );
    const slackWebhookSecretId = await ensureWebhookSecret(simUrl);
    return { sourceSecretId, serverCertificateName: 'www-example-com-2027', path: '/cloudfront/www/', slackWebhookSecretId };
  },
};
