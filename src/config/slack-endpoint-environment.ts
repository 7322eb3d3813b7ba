/**
 * What the Slack interactivity endpoint is deployed with (serverless/slack-interactivity.yml),
 * read in one place. A module of its own beside function-environment.ts, so the functions that
 * read only the shared variables do not bundle the access schema.
 */
import * as z from '../zod';
import { slackAccessSchema, type SlackAccess } from '../interactivity/access';
import { SLACK_ACCESS_VARIABLE, SLACK_SIGNING_SECRET_VARIABLE, STAGE_VARIABLE } from './function-environment';

/** What the Slack interactivity endpoint is deployed with (serverless/slack-interactivity.yml); a missing one is a deploy mistake, said as such. */
export function slackEndpointEnvironment(env: NodeJS.ProcessEnv = process.env): { signingSecretId: string; stage: string; access: SlackAccess } {
  const signingSecretId = env[SLACK_SIGNING_SECRET_VARIABLE];
  const stage = env[STAGE_VARIABLE];
  if (!signingSecretId || !stage) throw new Error(`${SLACK_SIGNING_SECRET_VARIABLE} and ${STAGE_VARIABLE} must be set (serverless/slack-interactivity.yml)`);
  return { signingSecretId, stage, access: z.parse(slackAccessSchema, JSON.parse(env[SLACK_ACCESS_VARIABLE] ?? '{}')) };
}
