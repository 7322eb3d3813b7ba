/**
 * Demo: a key group that still signs with a key made by hand, whose signers read it from the
 * secret keyturn is told to rotate (the team stored it there by hand, with its Key-Pair-Id). The
 * first rotation adopts it: a keyturn key joins the group, is tested and made current, and the
 * hand-made key is retired after the grace period (taken out of the group, then deleted).
 */
import { generateKeyPairSync } from 'node:crypto';
import { CloudFrontClient, CreateKeyGroupCommand, CreatePublicKeyCommand } from '@aws-sdk/client-cloudfront';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DemoScenario } from './scenarios';
import { DEMO_IDS, ensureWebhookSecret, simAdmin, simSettings } from './support';

export const rotateCloudfrontKeyScenario: DemoScenario = {
  workflow: 'rotate-cloudfront-key',
  describe: 'first rotation of a CloudFront key group that signs with a hand-made key the secret holds: adopted, then retired after the grace period; Slack is told',
  async seed(simUrl) {
    const cloudFront = new CloudFrontClient(simSettings(simUrl));
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const legacy = await cloudFront.send(
      new CreatePublicKeyCommand({
        PublicKeyConfig: { Name: 'media-signing-2024', CallerReference: 'demo-legacy-key', EncodedKey: publicKey, Comment: 'made by hand in 2024' },
      }),
    );
    // The id keyturn.config.yml names (the first key group this world creates takes it).
    await simAdmin(simUrl, '/_sim/next-ids', { kind: 'cloudfront.keyGroup', ids: [DEMO_IDS.keyGroupId] });
    const group = await cloudFront.send(
      new CreateKeyGroupCommand({ KeyGroupConfig: { Name: 'media-signers', Items: [legacy.PublicKey?.Id ?? ''], Comment: 'signed URLs for /media' } }),
    );
    const keyGroupId = group.KeyGroup?.Id ?? '';
    const secretId = 'keyturn/cloudfront/media-signing-key';
    // What its signers read today: the private key and its Key-Pair-Id, stored by hand.
    await new SecretsManagerClient(simSettings(simUrl)).send(
      new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ privateKey, publicKeyId: legacy.PublicKey?.Id }) }),
    );
    const slackWebhookSecretId = await ensureWebhookSecret(simUrl);
    return {
      keyGroupId,
      secretId,
      graceSeconds: 3600,
      slackWebhookSecretId,
      testUrlBase: `${simUrl}/_sim/cloudfront/${keyGroupId}`,
    };
  },
};
