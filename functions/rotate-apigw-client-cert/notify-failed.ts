/**
 * Task "Notify Slack of the failure" (and of a rotation that could not start). Before the input
 * was validated there is no `config`: the webhook secret and API are then taken from the raw
 * request only when they look right, and the failure is reported all the same.
 */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { notifyFailed } from '../../src/apigateway/rotation-report';
import { FIRST_STATE } from '../../src/apigateway/rotation-steps';
import { failureNoticeEvent, failureOutcome, failureTarget } from '../../src/lambda/failure-fields';
import { notifyCollaborators } from '../../src/lambda/runtime';
import { describeFailure } from '../../src/notify/caught-failure';
import { stepHandler } from './lib/step-handler';

const loose = z.object({
  slackWebhookSecretId: z.catch(z.optional(z.string().check(z.regex(/^keyturn\//))), undefined),
  restApiId: z.catch(z.string().check(z.regex(/^[A-Za-z0-9]{1,64}$/)), '(unknown)'),
});

const event = failureNoticeEvent({ restApiId: z.string() });

export const handler = stepHandler(event, ({ executionName, failure, config, request, compensation }, deps) => {
  const target = failureTarget(config, request, loose);
  return notifyFailed(notifyCollaborators(deps.secrets), {
    executionName,
    restApiId: target.restApiId,
    slackWebhookSecretId: target.slackWebhookSecretId,
    error: describeFailure(failure),
    ...failureOutcome(compensation, FIRST_STATE),
  });
}, { secrets: secretsManagerClient });
