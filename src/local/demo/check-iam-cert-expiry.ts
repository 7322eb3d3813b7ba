/**
 * Demo: an account whose IAM server certificates expire at different times: one expired last
 * week, one in two days, one in ten, one in three weeks, one next year, and a lab certificate
 * nobody cares about (muted). The check posts one digest, most urgent first, muted last.
 *
 * The expired certificate is uploaded while the simulator's clock is set back, because IAM
 * refuses to upload an expired certificate.
 */
import { IAMClient, UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import type { DemoScenario } from './scenarios';
import { DAY_MS, ensureWebhookSecret, selfSignedCertificate, simSettings, withSimClockShifted } from './support';

export const checkIamCertExpiryScenario: DemoScenario = {
  workflow: 'check-iam-cert-expiry',
  describe: 'daily expiry check of IAM server certificates: one expired, two soon, one muted; one Slack digest',
  async seed(simUrl) {
    const iam = new IAMClient(simSettings(simUrl));
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
      const { certificatePem, privateKeyPem } = await selfSignedCertificate(`${name}.example.com`, new Date(Math.min(now, notAfter.getTime()) - 90 * DAY_MS), notAfter);
      const upload = () => iam.send(new UploadServerCertificateCommand({ ServerCertificateName: name, Path: path, CertificateBody: certificatePem, PrivateKey: privateKeyPem }));
      if (daysLeft < 0) await withSimClockShifted(simUrl, (daysLeft - 30) * 86_400, upload);
      else await upload();
    }
    const slackWebhookSecretId = await ensureWebhookSecret(simUrl);
    return { slackWebhookSecretId, mutedCertificateNames: ['lab-selfsigned'], accountLabel: 'demo account' };
  },
};
