/** Task "Notify Slack of the rotation". */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { notifyRotated } from '../../src/cloudfront/rotation-report';
import { notifyCollaborators } from '../../src/lambda/runtime';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({
  executionName: z.string(),
  executionArn: z.optional(z.string()),
  config: configField,
  promotion: z.looseObject({ publicKeyId: z.string() }),
  retirement: z.looseObject({ oldPublicKeyId: z.nullable(z.string()), reason: z.string(), retiredAt: z.nullable(z.string()) }),
  deletion: z.looseObject({ outcome: z.string() }),
  /** Whether step 1 found Slack already told of this rotation (the secret's tag). */
  notified: z.boolean(),
});

export const handler = stepHandler(event, ({ executionName, executionArn, config, promotion, retirement, deletion, notified }, deps) =>
  notifyRotated(notifyCollaborators(deps.secrets), {
    executionName,
    ...(executionArn ? { executionArn } : {}),
    keyGroupId: config.keyGroupId,
    slackWebhookSecretId: config.slackWebhookSecretId,
    rotation: { secretId: config.secretId, rotationId: config.rotationId, alreadyNotified: notified },
    newPublicKeyId: promotion.publicKeyId,
    oldPublicKeyId: retirement.oldPublicKeyId,
    oldKeyOutcome: `${retirement.reason}; public key ${deletion.outcome}`,
    retiredAt: retirement.retiredAt,
  }),
  { secrets: secretsManagerClient },
);
