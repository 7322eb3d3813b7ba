/**
 * Demo: the approval gate. A second CloudFront key group whose rotation needs an approver before
 * the old key is retired: the run creates, tests and promotes the new key, then waits on its
 * `.waitForTaskToken` Task and asks in Slack; the demo's on-call approver presses Approve (the
 * simulator's Slack signs the click, the interactivity endpoint answers the token), and the run
 * goes on to retire the old key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { CloudFrontClient, CreateKeyGroupCommand, CreatePublicKeyCommand } from '@aws-sdk/client-cloudfront';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DemoScenario } from './scenarios';
import { ensureWebhookSecret, simSettings } from './support';

export const DEMO_APPROVER = { id: 'U0DEMOONCALL', name: 'on-call' };

export const approveCloudfrontRotationScenario: DemoScenario = {
  workflow: 'rotate-cloudfront-key',
  describe: 'a rotation with an approval gate: the new key goes live, then the run waits until the on-call approver presses Approve in Slack before retiring the old key',
  approveAs: DEMO_APPROVER,
  async seed(simUrl) {
    const cloudFront = new CloudFrontClient(simSettings(simUrl));
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const legacy = await cloudFront.send(
      new CreatePublicKeyCommand({ PublicKeyConfig: { Name: 'downloads-signing-2025', CallerReference: 'demo-approval-legacy-key', EncodedKey: publicKey } }),
    );
    const group = await cloudFront.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: 'downloads-signers', Items: [legacy.PublicKey?.Id ?? ''] } }));
    const keyGroupId = group.KeyGroup?.Id ?? '';
    const secretId = 'keyturn/cloudfront/downloads-signing-key';
    await new SecretsManagerClient(simSettings(simUrl)).send(
      new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ privateKey, publicKeyId: legacy.PublicKey?.Id }) }),
    );
    return {
      target: 'downloads-signing-key',
      keyGroupId,
      secretId,
      graceSeconds: 3600,
      slackWebhookSecretId: await ensureWebhookSecret(simUrl),
      testUrlBase: `${simUrl}/_sim/cloudfront/${keyGroupId}`,
      approval: { approvers: [DEMO_APPROVER.id], timeoutSeconds: 3600 },
    };
  },
};
