/**
 * Demo: a key group that still signs with a key made by hand, rotated to a keyturn key. The hand
 * made key is not keyturn's, so it stays in the group (keyturn never removes a key it did not
 * create); the next rotation will retire keyturn's own key after the grace period.
 */
import { generateKeyPairSync } from 'node:crypto';
import { CloudFrontClient, CreateKeyGroupCommand, CreatePublicKeyCommand } from '@aws-sdk/client-cloudfront';
import type { DemoScenario } from './scenarios';
import { ensureWebhookSecret, simSettings } from './support';

export const rotateCloudfrontKeyScenario: DemoScenario = {
  workflow: 'rotate-cloudfront-key',
  describe: 'first rotation of a CloudFront key group that signs with a hand-made key; Slack is told',
  async seed(simUrl) {
    const cloudFront = new CloudFrontClient(simSettings(simUrl));
    const { publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const legacy = await cloudFront.send(
      new CreatePublicKeyCommand({
        PublicKeyConfig: { Name: 'media-signing-2024', CallerReference: 'demo-legacy-key', EncodedKey: publicKey, Comment: 'made by hand in 2024' },
      }),
    );
    const group = await cloudFront.send(
      new CreateKeyGroupCommand({ KeyGroupConfig: { Name: 'media-signers', Items: [legacy.PublicKey?.Id ?? ''], Comment: 'signed URLs for /media' } }),
    );
    const keyGroupId = group.KeyGroup?.Id ?? '';
    const slackWebhookSecretId = await ensureWebhookSecret(simUrl);
    return {
      keyGroupId,
      secretId: 'keyturn/cloudfront/media-signing-key',
      graceSeconds: 3600,
      slackWebhookSecretId,
      testUrlBase: `${simUrl}/_sim/cloudfront/${keyGroupId}`,
    };
  },
};
