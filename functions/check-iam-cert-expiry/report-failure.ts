/** Task "Report failure to Slack": what failed, where, with the error's name and message. */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { reportWorkflowFailure } from '../../src/iam/workflow-messages';
import { failureField } from '../../src/lambda/failure-fields';
import { stepHandler } from './lib/wiring';

const eventSchema = z.object({
  slackWebhookSecretId: z.string().check(z.minLength(1)),
  failedState: z.string(),
  failure: failureField,
  executionName: z.string(),
});

export const handler = stepHandler(eventSchema, ({ slackWebhookSecretId, failedState, failure, executionName }, deps) =>
  reportWorkflowFailure(deps, slackWebhookSecretId, { workflow: 'check-iam-cert-expiry', failedState, failure, kept: [], executionName }),
{ secrets: secretsManagerClient });
