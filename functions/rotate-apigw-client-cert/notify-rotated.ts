/** Task "Notify Slack of the rotation". */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { notifyRotated } from '../../src/apigateway/rotation-report';
import { notifyCollaborators } from '../../src/lambda/runtime';
import { configField, stepHandler } from './lib/step-handler';

const kept = z.array(z.object({ clientCertificateId: z.string(), usedBy: z.array(z.string()) }));

const event = z.object({
  executionName: z.string(),
  executionArn: z.optional(z.string()),
  config: configField,
  stageNames: z.array(z.string()),
  newCertificate: z.looseObject({ clientCertificateId: z.string(), expirationDate: z.string() }),
  oldCertificateIds: z.array(z.string()),
  deletion: z.looseObject({ deleted: z.array(z.string()), kept }),
  /** Whether step 1 found Slack already told of this rotation (the trust store's tag). */
  notified: z.boolean(),
});

export const handler = stepHandler(event, ({ executionName, executionArn, config, stageNames, newCertificate, oldCertificateIds, deletion, notified }, deps) =>
  notifyRotated(notifyCollaborators(deps.secrets), {
    executionName,
    ...(executionArn ? { executionArn } : {}),
    restApiId: config.restApiId,
    slackWebhookSecretId: config.slackWebhookSecretId,
    rotation: { secretId: config.trustStoreSecretId, rotationId: config.rotationId, alreadyNotified: notified },
    stageNames,
    newCertificateId: newCertificate.clientCertificateId,
    newExpirationDate: newCertificate.expirationDate,
    oldCertificateIds,
    deleted: deletion.deleted,
    kept: deletion.kept,
  }),
  { secrets: secretsManagerClient },
);
