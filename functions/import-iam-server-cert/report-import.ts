/** Task "Report import to Slack": name, ARN, expiry. */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { importReportMessage } from '../../src/iam/workflow-messages';
import { notifySlack } from '../../src/notify/slack';
import { stepHandler } from './lib/wiring';

const eventSchema = z.object({
  slackWebhookSecretId: z.string().check(z.minLength(1)),
  imported: z.object({ usableByCloudFront: z.boolean(), alreadyImported: z.boolean() }),
  confirmed: z.object({ serverCertificateName: z.string(), arn: z.string(), path: z.string(), expiration: z.string() }),
  executionName: z.string(),
});

export const handler = stepHandler(eventSchema, async ({ slackWebhookSecretId, imported, confirmed, executionName }, deps) => {
  const message = importReportMessage({ ...confirmed, ...imported, executionName });
  await notifySlack(deps, slackWebhookSecretId, message);
  return { reported: true };
}, { secrets: secretsManagerClient });
