/**
 * Demo: a Lightsail bucket whose only access key was made by hand and is not in Secrets Manager.
 * keyturn adopts it: creates a second key, stores its once-only secret, tests it with a signed S3
 * request, makes it current, and after the (skipped) grace period deletes the hand-made key,
 * which nothing used since the switch. Slack is told.
 */
import { CreateBucketAccessKeyCommand, CreateBucketCommand, LightsailClient } from '@aws-sdk/client-lightsail';
import type { DemoScenario } from './scenarios';
import { ensureWebhookSecret, simSettings } from './support';

export const rotateLightsailBucketKeyScenario: DemoScenario = {
  workflow: 'rotate-lightsail-bucket-key',
  describe: 'first rotation of a Lightsail bucket key made by hand: adopted, replaced, deleted once unused; Slack is told',
  async seed(simUrl) {
    const lightsail = new LightsailClient(simSettings(simUrl));
    const bucketName = 'demo-media-uploads';
    await lightsail.send(new CreateBucketCommand({ bucketName, bundleId: 'small_1_0' }));
    await lightsail.send(new CreateBucketAccessKeyCommand({ bucketName })); // its secret was pasted into an app long ago
    const slackWebhookSecretId = await ensureWebhookSecret(simUrl);
    return { bucketName, secretId: `keyturn/lightsail/${bucketName}`, graceSeconds: 3600, slackWebhookSecretId };
  },
};
