/**
 * Task "Notify Slack of the failure" (and of a rotation that could not start). Before the input
 * was validated there is no `config`: the webhook secret and API are then taken from the raw
 * request only when they look right, and the failure is reported all the same.
 */
import { z } from 'zod';
import { describeFailure, notifyFailed } from '../../src/apigateway/rotation-report';
import { failureField } from '../rotate-cloudfront-key/lib/fields';
import { notifyCollaborators } from './lib/notify-collaborators';
import { stepHandler } from './lib/step-handler';

const loose = z.object({
  slackWebhookSecretId: z.string().regex(/^keyturn\//).optional().catch(undefined),
  restApiId: z.string().regex(/^[A-Za-z0-9]{1,64}$/).catch('(unknown)'),
});

const event = z.object({
  executionName: z.string(),
  failure: failureField,
  config: z.object({ slackWebhookSecretId: z.string().optional(), restApiId: z.string() }).passthrough().optional(),
  request: z.unknown().optional(),
  compensation: z.object({ failedState: z.string(), undone: z.array(z.string()), kept: z.array(z.string()) }).passthrough().optional(),
});

export const handler = stepHandler(event, ({ executionName, failure, config, request, compensation }) => {
  const target = config ?? loose.parse(typeof request === 'object' && request !== null ? request : {});
  return notifyFailed(notifyCollaborators(), {
    executionName,
    restApiId: target.restApiId,
    slackWebhookSecretId: target.slackWebhookSecretId,
    failedState: compensation?.failedState ?? 'Find the certificate the stages use',
    error: describeFailure(failure),
    undone: compensation?.undone ?? [],
    kept: compensation?.kept ?? [],
  });
});
