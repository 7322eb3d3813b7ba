/**
 * rotate-apigw-client-cert, first rotation with no trust store yet: two stages present a hand-made
 * client certificate and the backend's trust store secret does not exist. The run creates it
 * trusting that certificate (its first version, which Secrets Manager makes AWSCURRENT), then
 * rotates as usual: the claim it stores as AWSPENDING never becomes the bundle the backend reads.
 */
import { CreateDeploymentCommand, CreateRestApiCommand, CreateStageCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { TargetAdapter } from '../support/adapter';
import { adapter as routine, apigw, certificate, DAY, SLACK_SECRET_ID, sm, STAGES, TRUST_STORE } from './rotate-apigw-client-cert';

export const adapter: TargetAdapter = {
  ...routine,
  scenario: 'first rotation, no trust store yet',
  async seed(h) {
    await h.sim.admin('POST', '/_sim/clock', { offsetSeconds: -340 * DAY });
    const old = await certificate(340, 'made by hand');
    await h.sim.admin('POST', '/_sim/clock', { offsetSeconds: 0 });
    const restApiId = (await apigw().send(new CreateRestApiCommand({ name: 'orders' }))).id!;
    const deploymentId = (await apigw().send(new CreateDeploymentCommand({ restApiId }))).id!;
    for (const stageName of STAGES) {
      await apigw().send(new CreateStageCommand({ restApiId, stageName, deploymentId }));
      await apigw().send(new UpdateStageCommand({ restApiId, stageName, patchOperations: [{ op: 'replace', path: '/clientCertificateId', value: old.clientCertificateId }] }));
    }
    await sm().send(new CreateSecretCommand({ Name: SLACK_SECRET_ID, SecretString: JSON.stringify({ url: `${h.sim.url}/_sim/slack/services/T0/B0/reliability` }) }));
    return {
      input: { restApiId, trustStoreSecretId: TRUST_STORE, slackWebhookSecretId: SLACK_SECRET_ID, graceSeconds: 600, tags: { team: 'payments' } },
      ids: { restApiId, oldCertificateId: old.clientCertificateId },
    };
  },
  // Before the trust store exists the backend does not read it (it trusts by other means): the
  // check starts once keyturn created it, and from then on every stage must be trusted.
  async currentWorks(h, target) {
    if (!h.secretVersions(TRUST_STORE).some((v) => v.stages.includes('AWSCURRENT'))) return [];
    return routine.currentWorks!(h, target);
  },
  creatingSteps: [{ state: 'Generate new client certificate', afterOperation: 'CreateSecret' }, ...routine.creatingSteps],
  humanEdits: [],
  badInputs: () => [],
};
