/** Task "Notify Slack of the rotation" (an alert when the old key is still in use). */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { notifyRotated } from '../../src/lightsail/rotation-report';
import { notifyCollaborators } from '../../src/lambda/runtime';
import { configField, stepHandler } from './lib/step-handler';

const lastUse = z.nullable(z.object({ date: z.string(), region: z.optional(z.string()), serviceName: z.optional(z.string()) }));

const event = z.object({
  executionName: z.string(),
  executionArn: z.optional(z.string()),
  config: configField,
  promotion: z.looseObject({ accessKeyId: z.string() }),
  retirement: z.object({
    oldAccessKeyId: z.nullable(z.string()),
    outcome: z.enum(['deleted', 'already-gone', 'kept-in-use', 'none']),
    lastUse,
    promotedAt: z.nullable(z.string()),
  }),
  /** Whether step 1 found Slack already told of this rotation (the secret's tag). */
  notified: z.boolean(),
});

export const handler = stepHandler(event, ({ executionName, executionArn, config, promotion, retirement, notified }, deps) =>
  notifyRotated(notifyCollaborators(deps.secrets), {
    executionName,
    ...(executionArn ? { executionArn } : {}),
    bucketName: config.bucketName,
    secretId: config.secretId,
    slackWebhookSecretId: config.slackWebhookSecretId,
    rotation: { secretId: config.secretId, rotationId: config.rotationId, alreadyNotified: notified },
    newAccessKeyId: promotion.accessKeyId,
    oldAccessKeyId: retirement.oldAccessKeyId,
    oldKeyOutcome: retirement.outcome,
    oldKeyLastUse: retirement.lastUse,
    promotedAt: retirement.promotedAt,
  }),
  { secrets: secretsManagerClient },
);
