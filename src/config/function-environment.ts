/**
 * What the deploy hands every function in its environment besides AWS's own variables
 * (serverless.yml `provider.environment` and a function's own `environment`, from
 * keyturn.config.yml), read in one place (the Slack endpoint's own: slack-endpoint-environment.ts).
 */

/** The config's slackWebhookUrlPrefixes, space-separated (URLs hold no spaces). */
export const WEBHOOK_URL_PREFIXES_VARIABLE = 'KEYTURN_SLACK_WEBHOOK_URL_PREFIXES';

/** Where a Slack webhook may point besides Slack's own hosts (src/notify/slack.ts, webhookUrlAllowed). */
export function webhookUrlPrefixes(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[WEBHOOK_URL_PREFIXES_VARIABLE] ?? '').split(/\s+/).filter(Boolean);
}

/** keyturn.config.yml `slack.signingSecretId`: the Slack app's signing secret, for the interactivity endpoint. */
export const SLACK_SIGNING_SECRET_VARIABLE = 'KEYTURN_SLACK_SIGNING_SECRET_ID';
/** Who may do what from Slack (src/interactivity/access.ts, SlackAccess), as JSON. */
export const SLACK_ACCESS_VARIABLE = 'KEYTURN_SLACK_ACCESS';
/** The config's targets as the Slack commands need them (slack-endpoint-environment.ts, encodeSlackTargets). */
export const SLACK_TARGETS_VARIABLE = 'KEYTURN_SLACK_TARGETS';
/** Set (to `true`) when the Slack app takes button clicks: the messages then carry keyturn's buttons. */
export const SLACK_BUTTONS_VARIABLE = 'KEYTURN_SLACK_BUTTONS';
/** The deploy's stage: the interactivity endpoint acts on `keyturn-<workflow>-<stage>` only. */
export const STAGE_VARIABLE = 'KEYTURN_STAGE';

/** Whether keyturn's messages carry buttons (the Slack app's interactivity is configured). */
export function slackButtons(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[SLACK_BUTTONS_VARIABLE] === 'true';
}
