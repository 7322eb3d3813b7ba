/** Task "Send expiry digest to Slack": render the report as Block Kit and post it. */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import type { ExpiryReport } from '../../src/iam/check-certificate-expiry';
import { buildExpiryDigest } from '../../src/iam/expiry-digest';
import { expiryCheckInputSchema } from '../../src/iam/workflow-inputs';
import { postSlackMessage, readWebhookUrl } from '../../src/notify/slack';
import { stepHandler } from './lib/wiring';

const eventSchema = z.object({
  config: expiryCheckInputSchema,
  report: z.custom<ExpiryReport>((v) => typeof v === 'object' && v !== null && Array.isArray((v as ExpiryReport).alerts)),
});

export const handler = stepHandler(eventSchema, async ({ config, report }, deps) => {
  const digest = buildExpiryDigest(report, {
    accountLabel: config.accountLabel,
    pathPrefix: config.pathPrefix,
    thresholdsDays: config.thresholdsDays,
    consoleRegion: deps.region,
  });
  const url = await readWebhookUrl(deps.secrets, config.slackWebhookSecretId, deps.webhookUrlPrefixes);
  const { attempts } = await postSlackMessage(url, digest, deps);
  deps.log.info('expiry digest sent', { alerts: report.alertCount ?? report.alerts.length, attempts });
  return { sent: true };
}, { secrets: secretsManagerClient });
