/** Task "Send expiry digest to Slack": render the report as Block Kit and post it. */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import type { ExpiryReport } from '../../src/iam/check-certificate-expiry';
import { sendExpiryDigest } from '../../src/iam/expiry-digest';
import { expiryCheckInputSchema } from '../../src/iam/workflow-inputs';
import { slackButtons } from '../../src/config/function-environment';
import { stepHandler } from './lib/wiring';

const eventSchema = z.object({
  config: expiryCheckInputSchema,
  report: z.custom<ExpiryReport>((v) => typeof v === 'object' && v !== null && Array.isArray((v as ExpiryReport).alerts)),
});

export const handler = stepHandler(eventSchema, ({ config, report }, deps) =>
  sendExpiryDigest(deps, config.slackWebhookSecretId, report, {
    accountLabel: config.accountLabel,
    pathPrefix: config.pathPrefix,
    thresholdsDays: config.thresholdsDays,
    consoleRegion: deps.region,
    // Snooze (and, where an import target renews the certificate, Import renewed) buttons when
    // the Slack app takes clicks and the run names its config target.
    ...(slackButtons() && config.target ? { snoozeTarget: config.target, ...(config.imports ? { imports: config.imports } : {}) } : {}),
  }),
{ secrets: secretsManagerClient });
