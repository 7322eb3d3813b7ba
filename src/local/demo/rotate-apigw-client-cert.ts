/**
 * Demo: a REST API whose two stages present a client certificate made by hand 340 days ago (it
 * expires in 25 days), trusted by the backend through its trust store secret. keyturn generates
 * a new one, has the backend trust both, switches the stages, stops trusting the old one and
 * deletes it; Slack is told.
 */
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  GenerateClientCertificateCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DemoScenario } from './scenarios';

const AGE_SECONDS = 340 * 86_400;

async function admin(simUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${simUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`simulator admin ${path}: HTTP ${res.status}`);
}

export const rotateApigwClientCertScenario: DemoScenario = {
  workflow: 'rotate-apigw-client-cert',
  describe: 'API Gateway client certificate 25 days from expiry: two stages switched without cutting the backend off; Slack is told',
  async seed(simUrl) {
    const settings = { endpoint: simUrl, region: process.env.AWS_REGION ?? 'us-east-1' };
    const apigw = new APIGatewayClient(settings);
    const secrets = new SecretsManagerClient(settings);
    // The certificate is made on a simulator clock set 340 days back, so it is due now.
    const { offsetMs } = (await (await fetch(`${simUrl}/_sim/clock`)).json()) as { offsetMs: number };
    await admin(simUrl, '/_sim/clock', { offsetSeconds: offsetMs / 1000 - AGE_SECONDS });
    const old = await apigw.send(new GenerateClientCertificateCommand({ description: 'backend mTLS, made by hand' }));
    await admin(simUrl, '/_sim/clock', { offsetSeconds: offsetMs / 1000 });

    const api = await apigw.send(new CreateRestApiCommand({ name: 'orders-api' }));
    const restApiId = api.id ?? '';
    const deployment = await apigw.send(new CreateDeploymentCommand({ restApiId }));
    for (const stageName of ['prod', 'staging']) {
      await apigw.send(new CreateStageCommand({ restApiId, stageName, deploymentId: deployment.id ?? '' }));
      await apigw.send(
        new UpdateStageCommand({ restApiId, stageName, patchOperations: [{ op: 'replace', path: '/clientCertificateId', value: old.clientCertificateId ?? '' }] }),
      );
    }
    const bundle = {
      certificates: [
        { clientCertificateId: old.clientCertificateId, pemEncodedCertificate: old.pemEncodedCertificate, expirationDate: old.expirationDate?.toISOString() },
      ],
    };
    await secrets.send(new CreateSecretCommand({ Name: 'keyturn/apigw/orders-backend-trust-store', SecretString: JSON.stringify(bundle) }));
    await secrets
      .send(new CreateSecretCommand({ Name: 'keyturn/slack/webhook', SecretString: JSON.stringify({ url: `${simUrl}/_sim/slack/services/T0DEMO/B0DEMO/demo` }) }))
      .catch((error: unknown) => {
        // Another scenario may have created it already.
        if ((error as { name?: string }).name !== 'ResourceExistsException') throw error;
      });
    return {
      restApiId,
      trustStoreSecretId: 'keyturn/apigw/orders-backend-trust-store',
      graceSeconds: 3600,
      slackWebhookSecretId: 'keyturn/slack/webhook',
      tags: { team: 'payments' },
    };
  },
};
