/**
 * What the deploy hands every function in its environment besides AWS's own variables
 * (serverless.yml `provider.environment`, from keyturn.config.yml), read in one place.
 */

/** The config's slackWebhookUrlPrefixes, space-separated (URLs hold no spaces). */
export const WEBHOOK_URL_PREFIXES_VARIABLE = 'KEYTURN_SLACK_WEBHOOK_URL_PREFIXES';

/** Where a Slack webhook may point besides Slack's own hosts (src/notify/slack.ts, webhookUrlAllowed). */
export function webhookUrlPrefixes(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[WEBHOOK_URL_PREFIXES_VARIABLE] ?? '').split(/\s+/).filter(Boolean);
}
