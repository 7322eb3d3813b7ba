/**
 * Demo: a Lightsail bucket whose only access key was made by hand and is not in Secrets Manager.
 * keyturn adopts it: creates a second key, stores its once-only secret, tests it with a signed S3
 * request, makes it current, and after the (skipped) grace period deletes the hand-made key,
 * which nothing used since the switch. Slack is told.
 */
import { CreateBucketAccessKeyCommand, CreateBucketCommand, LightsailClient } from '@aws-sdk/client-lightsail';
import { CreateSecretCommand, ResourceExistsException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DemoScenario } from './scenarios';

export const rotateLightsailBucketKeyScenario: DemoScenario = {
  workflow: 'rotate-lightsail-bucket-key',
  describe: 'first rotation of a Lightsail bucket key made by hand: adopted, replaced, deleted once unused; Slack is told',
  async seed(simUrl) {
    const settings = { endpoint: simUrl, region: process.env.AWS_REGION ?? 'us-east-1' };
    const lightsail = new LightsailClient(settings);
    const secrets = new SecretsManagerClient(settings);
    const bucketName = 'demo-media-uploads';
    await lightsail.send(new CreateBucketCommand({ bucketName, bundleId: 'small_1_0' }));
    await lightsail.send(new CreateBucketAccessKeyCommand({ bucketName })); // its secret was pasted into an app long ago
    const slackWebhookSecretId = 'keyturn/slack/webhook';
    try {
      await secrets.send(
        new CreateSecretCommand({ Name: slackWebhookSecretId, SecretString: JSON.stringify({ url: `${simUrl}/_sim/slack/services/T0DEMO/B0DEMO/demo` }) }),
      );
    } catch (error) {
      if (!(error instanceof ResourceExistsException)) throw error; // another scenario made it already
    }
    return { bucketName, secretId: `keyturn/lightsail/${bucketName}`, graceSeconds: 3600, slackWebhookSecretId };
  },
};
