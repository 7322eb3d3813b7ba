/** Task "Report failure to Slack": the rule or error that stopped the import, and what stays. */
import { z } from 'zod';
import { describeCaught, workflowFailedMessage } from '../../src/iam/workflow-messages';
import { parseInput } from '../../src/iam/workflow-inputs';
import { postSlackMessage, readWebhookUrl } from '../../src/notify/slack';
import { stepHandler } from './lib/wiring';

const eventSchema = z.object({
  state: z.object({
    slackWebhookSecretId: z.string().min(1),
    serverCertificateName: z.unknown().optional(),
    failedState: z.string(),
    failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }),
    imported: z.object({ arn: z.string() }).optional(),
  }),
  executionName: z.string(),
});

export const handler = stepHandler(async (event, deps) => {
  const { state, executionName } = parseInput(eventSchema, event);
  const message = workflowFailedMessage({
    workflow: 'import-iam-server-cert',
    failedState: state.failedState,
    error: describeCaught(state.failure),
    // Nothing to undo: a rejected certificate uploaded nothing; an uploaded one is what was asked for.
    kept: state.imported ? [`uploaded server certificate ${state.imported.arn}`] : [],
    executionName,
  });
  const url = await readWebhookUrl(deps.secrets, state.slackWebhookSecretId);
  await postSlackMessage(url, message, { fetch: deps.fetch, sleep: deps.sleep, log: deps.log });
  return { reported: true };
});
