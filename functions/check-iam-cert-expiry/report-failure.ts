/** Task "Report failure to Slack": what failed, where, with the error's name and message. */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { workflowFailedMessage } from '../../src/iam/workflow-messages';
import { failureField } from '../../src/lambda/failure-fields';
import { describeFailure } from '../../src/notify/caught-failure';
import { notifySlack } from '../../src/notify/slack';
import { stepHandler } from './lib/wiring';

const eventSchema = z.object({
  slackWebhookSecretId: z.string().check(z.minLength(1)),
  failedState: z.string(),
  failure: failureField,
  executionName: z.string(),
});

export const handler = stepHandler(eventSchema, async (input, deps) => {
  const message = workflowFailedMessage({
    workflow: 'check-iam-cert-expiry',
    failedState: input.failedState,
    error: describeFailure(input.failure),
    kept: [],
    executionName: input.executionName,
  });
  await notifySlack(deps, input.slackWebhookSecretId, message);
  return { reported: true };
}, { secrets: secretsManagerClient });
