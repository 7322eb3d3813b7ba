/**
 * The shape of keyturn.config.yml (README "Configuration"). Unknown fields are errors at every
 * level; each target's `input` is checked afterwards by its workflow's own schema.
 */
import * as z from '../zod';
import { REGION, targetAccountFields, type TargetAccount } from '../aws/target-account';
import { scheduleExpressionProblem } from './schedule-expression';
import { kmsKeyArnField, secretNameField } from '../validation';
import { accessRulesSchema, type AccessRules } from '../interactivity/access';

export { TARGET_NAME } from '../validation';

export const targetSchema = z.strictObject({
  workflow: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a workflow name such as rotate-cloudfront-key')),
  input: z._default(z.record(z.string(), z.unknown(), 'must be a map of the workflow input fields'), {}),
  schedule: z.optional(
    z.string('must be a string: rate(...) or cron(...)').check(
      z.superRefine((value, ctx) => {
        const problem = scheduleExpressionProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    ),
  ),
  enabled: z._default(z.boolean('must be true or false'), true),
  // The customer managed KMS key the secrets this target's rotation creates are encrypted with
  // (default: the config's kmsKeyArn, else aws/secretsmanager); passed as input.kmsKeyArn.
  kmsKeyArn: z.optional(kmsKeyArnField()),
  // Where the target lives when not in keyturn's own account and region: passed to the workflow
  // as `input.account` (src/aws/target-account.ts, which also checks them together).
  ...targetAccountFields,
  // Who may act on this target from Slack, per action (replacing the config's slack.allow for that action).
  slack: z.optional(z.strictObject({ allow: accessRulesSchema })),
  // The approval gate (src/rotation/approval.ts): checked by the workflow's input schema, passed as input.approval.
  approval: z.optional(z.unknown()),
});

export const configFileSchema = z.strictObject({
  stage: z._default(z.string().check(z.regex(/^[A-Za-z0-9-]{1,16}$/, 'must be 1-16 letters, digits or hyphens')), 'dev'),
  region: z._default(z.string().check(z.regex(REGION, 'must be an AWS region such as us-east-1')), 'us-east-1'),
  slackWebhookSecretId: z.optional(secretNameField()),
  // Where a webhook URL may point besides https://hooks.slack.com/services/ and hooks.slack-gov.com
  // (src/notify/slack.ts): a proxy of yours, say. Each an http(s) URL with a host and a path.
  // The customer managed KMS key for the secrets every rotation creates (a target's own overrides it).
  kmsKeyArn: z.optional(kmsKeyArnField()),
  slackWebhookUrlPrefixes: z._default(
    z.array(z.string().check(z.regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/[^\s?#]*$/, 'must be an http(s) URL prefix with a host and a path, such as https://proxy.example.com/slack/ (no user, query or fragment)'), z.maxLength(512))).check(z.maxLength(10)),
    [],
  ),
  // The Slack app that takes keyturn's buttons (README "Slack"): its signing secret, and who may do what.
  slack: z.optional(z.strictObject({ signingSecretId: secretNameField(), allow: z._default(accessRulesSchema, {}) })),
  targets: z.record(z.string(), z.unknown(), 'must be a map of target name to target'),
});

export type TargetFields = z.output<typeof targetSchema>;
export type ConfigFileFields = z.output<typeof configFileSchema>;

export interface Target {
  name: string;
  workflow: string;
  /** The execution input: as written, with the global slackWebhookSecretId filled in where the workflow takes one. */
  input: Record<string, unknown>;
  schedule?: string;
  enabled: boolean;
  /** Where the target lives (also in `input.account`), when not keyturn's own account and region. */
  account?: TargetAccount;
  /** `workflow`: checked by the workflow's exported schema; `generic`: only checked to be a map. */
  inputCheck: 'workflow' | 'generic';
  /** Who may act on this target from Slack, where it replaces the config's rule for an action. */
  slackAllow?: AccessRules;
}

export interface KeyturnConfig {
  file: string;
  stage: string;
  region: string;
  slackWebhookSecretId?: string;
  /** Where Slack webhook URLs may point besides Slack's own hosts (KEYTURN_SLACK_WEBHOOK_URL_PREFIXES). */
  slackWebhookUrlPrefixes: string[];
  kmsKeyArn?: string;
  /** The Slack app that takes keyturn's buttons, when configured. */
  slack?: { signingSecretId: string; allow: AccessRules };
  targets: Target[];
}
