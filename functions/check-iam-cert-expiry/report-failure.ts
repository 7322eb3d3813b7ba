/** Task "Report failure to Slack": what failed, where, with the error's name and message. */
import { z } from 'zod';
import { describeCaught, workflowFailedMessage } from '../../src/iam/workflow-messages';
import { parseInput } from '../../src/iam/workflow-inputs';
import { postSlackMessage, readWebhookUrl } from '../../src/notify/slack';
import { stepHandler } from './lib/wiring';

const eventSchema = z.object({
  slackWebhookSecretId: z.string().min(1),
  failedState: z.string(),
  failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }),
  executionName: z.string(),
});

export const handler = stepHandler(async (event, deps) => {
  const input = parseInput(eventSchema, event);
  const message = workflowFailedMessage({
    workflow: 'check-iam-cert-expiry',
    failedState: input.failedState,
    error: describeCaught(input.failure),
    kept: [],
    executionName: input.executionName,
  });
  const url = await readWebhookUrl(deps.secrets, input.slackWebhookSecretId);
  await postSlackMessage(url, message, { fetch: deps.fetch, sleep: deps.sleep, log: deps.log });
  return { reported: true };
});
