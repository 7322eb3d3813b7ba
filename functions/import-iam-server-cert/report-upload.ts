/** Task "Report the upload to Slack": name, ARN, expiry. */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { reportServerCertificateUpload } from '../../src/iam/workflow-messages';
import { stepHandler } from './lib/wiring';

const eventSchema = z.object({
  slackWebhookSecretId: z.string().check(z.minLength(1)),
  imported: z.object({ usableByCloudFront: z.boolean(), alreadyImported: z.boolean() }),
  confirmed: z.object({ serverCertificateName: z.string(), arn: z.string(), path: z.string(), expiration: z.string() }),
  executionName: z.string(),
});

export const handler = stepHandler(
  eventSchema,
  ({ slackWebhookSecretId, imported, confirmed, executionName }, deps) =>
    reportServerCertificateUpload(deps, slackWebhookSecretId, { ...confirmed, ...imported, executionName }),
  { secrets: secretsManagerClient },
);
