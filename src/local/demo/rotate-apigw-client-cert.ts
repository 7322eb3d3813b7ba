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
import { DEMO_IDS, ensureWebhookSecret, simAdmin, simSettings, withSimClockShifted } from './support';

const AGE_SECONDS = 340 * 86_400;

export const rotateApigwClientCertScenario: DemoScenario = {
  workflow: 'rotate-apigw-client-cert',
  describe: 'API Gateway client certificate 25 days from expiry: two stages switched without cutting the backend off; Slack is told',
  async seed(simUrl) {
    const apigw = new APIGatewayClient(simSettings(simUrl));
    const secrets = new SecretsManagerClient(simSettings(simUrl));
    // The certificate is made on a simulator clock set 340 days back, so it is due now.
    const old = await withSimClockShifted(simUrl, -AGE_SECONDS, () =>
      apigw.send(new GenerateClientCertificateCommand({ description: 'backend mTLS, made by hand' })),
    );

    // The id keyturn.config.yml names (the first REST API this world creates takes it).
    await simAdmin(simUrl, '/_sim/next-ids', { kind: 'apigateway.restApi', ids: [DEMO_IDS.restApiId] });
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
    const slackWebhookSecretId = await ensureWebhookSecret(simUrl);
    return {
      restApiId,
      trustStoreSecretId: 'keyturn/apigw/orders-backend-trust-store',
      graceSeconds: 3600,
      slackWebhookSecretId,
      tags: { team: 'payments' },
    };
  },
};
