/**
 * What the Slack interactivity endpoint is deployed with (serverless/slack-interactivity.yml),
 * read in one place. A module of its own beside function-environment.ts, so the functions that
 * read only the shared variables do not bundle the access schema.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from '../zod';
import { slackAccessSchema, type SlackAccess } from '../interactivity/access';
import { SLACK_ACCESS_VARIABLE, SLACK_SIGNING_SECRET_VARIABLE, SLACK_TARGETS_VARIABLE, STAGE_VARIABLE } from './function-environment';

/** A target as the Slack commands need it: what to start, and what status shows. */
const slackTargetSchema = z.strictObject({
  name: z.string(),
  workflow: z.string(),
  input: z.record(z.string(), z.unknown()),
  schedule: z.optional(z.string()),
  enabled: z.boolean(),
});

export type SlackTarget = z.output<typeof slackTargetSchema>;

/**
 * The targets, as the endpoint's KEYTURN_SLACK_TARGETS: JSON, gzipped, base64 (a deploy's
 * environment holds at most 4 KB; compressed, a few dozen targets fit, and keyturn config check
 * refuses a config whose Slack environment would not).
 */
export function encodeSlackTargets(targets: readonly SlackTarget[]): string {
  const plain = targets.map(({ name, workflow, input, schedule, enabled }) => ({ name, workflow, input, ...(schedule !== undefined ? { schedule } : {}), enabled }));
  return gzipSync(JSON.stringify(plain)).toString('base64');
}

function decodeSlackTargets(encoded: string | undefined): SlackTarget[] {
  if (!encoded) return [];
  return z.parse(z.array(slackTargetSchema), JSON.parse(gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8')));
}

/** Lambda's limit on a function's environment (names and values together). */
export const LAMBDA_ENVIRONMENT_BYTES = 4096;

/** What the Slack interactivity endpoint is deployed with (serverless/slack-interactivity.yml); a missing one is a deploy mistake, said as such. */
export function slackEndpointEnvironment(env: NodeJS.ProcessEnv = process.env): { signingSecretId: string; stage: string; access: SlackAccess; targets: SlackTarget[] } {
  const signingSecretId = env[SLACK_SIGNING_SECRET_VARIABLE];
  const stage = env[STAGE_VARIABLE];
  if (!signingSecretId || !stage) throw new Error(`${SLACK_SIGNING_SECRET_VARIABLE} and ${STAGE_VARIABLE} must be set (serverless/slack-interactivity.yml)`);
  return { signingSecretId, stage, access: z.parse(slackAccessSchema, JSON.parse(env[SLACK_ACCESS_VARIABLE] ?? '{}')), targets: decodeSlackTargets(env[SLACK_TARGETS_VARIABLE]) };
}

/**
 * The endpoint's own variables from the config: who may do what (global and per target) and the
 * targets. serverless/schedules.cjs deploys them; load-config refuses a config whose variables
 * would not fit Lambda's environment.
 */
export function slackEndpointVariables(config: {
  slack?: { allow: unknown } | undefined;
  targets: readonly (SlackTarget & { slackAllow?: unknown })[];
}): { access: string; targets: string } {
  const perTarget = Object.fromEntries(config.targets.filter((t) => t.slackAllow).map((t) => [t.name, t.slackAllow]));
  return { access: JSON.stringify({ allow: config.slack?.allow ?? {}, targets: perTarget }), targets: encodeSlackTargets(config.targets) };
}
