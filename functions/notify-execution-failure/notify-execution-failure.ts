/**
 * EventBridge "Step Functions Execution Status Change" (FAILED, TIMED_OUT, ABORTED) → Slack.
 * The webhook secret comes from the config's slackWebhookSecretId (KEYTURN_SLACK_WEBHOOK_SECRET_ID).
 */
import * as z from '../../src/zod';
import { secretsManagerClient, sfnClient } from '../../src/aws/clients';
import { InvalidInputError } from '../../src/errors';
import { webhookUrlPrefixes } from '../../src/config/function-environment';
import { logger } from '../../src/logger';
import type { HttpPost } from '../../src/notify/slack';
import { reportExecutionFailure, type FailureReportDeps } from './lib/execution-failure';

const event = z.object({
  region: z.string(),
  detail: z.object({
    executionArn: z.string(),
    stateMachineArn: z.string(),
    status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
    error: z.nullish(z.string()),
    cause: z.nullish(z.string()),
  }),
});

let deps: FailureReportDeps | undefined;

export const handler = async (raw: unknown, context?: Parameters<typeof logger.addContext>[0]) => {
  if (context) logger.addContext(context);
  const parsed = event.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInputError(issue?.path.join('.') || '(event)', issue?.message ?? 'invalid');
  }
  const secretId = process.env.KEYTURN_SLACK_WEBHOOK_SECRET_ID;
  if (!secretId) {
    logger.warn('no slackWebhookSecretId configured: failure not posted', { executionArn: parsed.data.detail.executionArn });
    return { posted: false };
  }
  deps ??= {
    states: sfnClient(),
    secrets: secretsManagerClient(),
    fetch: ((url, init) => fetch(url, init)) as HttpPost,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: logger,
    webhookUrlPrefixes: webhookUrlPrefixes(),
  };
  const { detail, region } = parsed.data;
  return reportExecutionFailure(
    deps,
    { executionArn: detail.executionArn, stateMachineArn: detail.stateMachineArn, status: detail.status, region, ...(detail.error ? { error: detail.error } : {}), ...(detail.cause ? { cause: detail.cause } : {}) },
    secretId,
  );
};
