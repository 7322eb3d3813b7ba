/**
 * Demo: an account whose IAM server certificates expire at different times: one expired last
 * week, one in two days, one in ten, one in three weeks, one next year, and a lab certificate
 * nobody cares about (muted). The check posts one digest, most urgent first, muted last.
 *
 * Certificates are real (self-signed EC P-256, made with @peculiar/x509, which needs the
 * reflect-metadata polyfill); the expired one is uploaded while the simulator's clock is set
 * back, because IAM refuses to upload an expired certificate.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { IAMClient, UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, ResourceExistsException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DemoScenario } from './scenarios';

const DAY_MS = 86_400_000;
const WEBHOOK_SECRET_ID = 'keyturn/slack/webhook';

async function selfSigned(commonName: string, notBefore: Date, notAfter: Date): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const x509 = await import('@peculiar/x509');
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${commonName}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: algorithm,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return {
    certificatePem: `${certificate.toString('pem')}\n`,
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`,
  };
}

export const checkIamCertExpiryScenario: DemoScenario = {
  workflow: 'check-iam-cert-expiry',
  describe: 'daily expiry check of IAM server certificates: one expired, two soon, one muted; one Slack digest',
  async seed(simUrl) {
    const settings = { endpoint: simUrl, region: process.env.AWS_REGION ?? 'us-east-1' };
    const iam = new IAMClient(settings);
    const secrets = new SecretsManagerClient(settings);
    const now = Date.now();
    const certificates: Array<[name: string, path: string, daysLeft: number]> = [
      ['shop-2025', '/', -6],
      ['api-gateway-legacy', '/', 2],
      ['www-example-com', '/cloudfront/www/', 10],
      ['partners-example-com', '/', 21],
      ['static-example-com', '/cloudfront/static/', 340],
      ['lab-selfsigned', '/lab/', 4],
    ];
    for (const [name, path, daysLeft] of certificates) {
      const notAfter = new Date(now + daysLeft * DAY_MS + 3_600_000);
      const { certificatePem, privateKeyPem } = await selfSigned(`${name}.example.com`, new Date(Math.min(now, notAfter.getTime()) - 90 * DAY_MS), notAfter);
      if (daysLeft < 0) await admin(simUrl, '/_sim/clock', { offsetSeconds: (daysLeft - 30) * 86_400 });
      try {
        await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: name, Path: path, CertificateBody: certificatePem, PrivateKey: privateKeyPem }));
      } finally {
        if (daysLeft < 0) await admin(simUrl, '/_sim/clock', { offsetSeconds: 0 });
      }
    }
    try {
      await secrets.send(
        new CreateSecretCommand({ Name: WEBHOOK_SECRET_ID, SecretString: JSON.stringify({ url: `${simUrl}/_sim/slack/services/T0DEMO/B0DEMO/demo` }) }),
      );
    } catch (error) {
      // Another scenario of the same demo run may have stored the webhook already.
      if (!(error instanceof ResourceExistsException)) throw error;
    }
    return { slackWebhookSecretId: WEBHOOK_SECRET_ID, mutedCertificateNames: ['lab-selfsigned'], accountLabel: 'demo account' };
  },
};

async function admin(simUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${simUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`simulator admin ${path}: HTTP ${res.status}`);
}
