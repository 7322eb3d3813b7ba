/** Task "Report import to Slack": name, ARN, expiry. */
import { z } from 'zod';
import { importReportMessage } from '../../src/iam/workflow-messages';
import { parseInput } from '../../src/iam/workflow-inputs';
import { postSlackMessage, readWebhookUrl } from '../../src/notify/slack';
import { stepHandler } from './lib/wiring';

const eventSchema = z.object({
  slackWebhookSecretId: z.string().min(1),
  imported: z.object({ usableByCloudFront: z.boolean(), alreadyImported: z.boolean() }),
  confirmed: z.object({ serverCertificateName: z.string(), arn: z.string(), path: z.string(), expiration: z.string() }),
  executionName: z.string(),
});

export const handler = stepHandler(async (event, deps) => {
  const { slackWebhookSecretId, imported, confirmed, executionName } = parseInput(eventSchema, event);
  const message = importReportMessage({ ...confirmed, ...imported, executionName });
  const url = await readWebhookUrl(deps.secrets, slackWebhookSecretId);
  await postSlackMessage(url, message, { fetch: deps.fetch, sleep: deps.sleep, log: deps.log });
  return { reported: true };
});
