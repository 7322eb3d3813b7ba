/**
 * Who may do what from Slack: keyturn.config.yml's `slack.allow` (per action, for every target)
 * and a target's own `slack.allow` (per action, replacing the global rule for that action). A rule
 * lists Slack user ids and channel ids; a click is allowed when its user, or the channel it was
 * made in, is listed. No rule for the action: nobody may do it (the safe default for a button
 * anyone in the channel can press).
 */
import * as z from '../zod';
import { slackChannelIdField, slackUserIdField } from '../validation';

/** What a Slack user may ask keyturn to do (the action ids of keyturn's buttons and commands). */
export const SLACK_ACTIONS = ['retry', 'snooze', 'status', 'plan', 'rotate', 'import'] as const;
export type SlackAction = (typeof SLACK_ACTIONS)[number];

export const accessRuleSchema = z.strictObject({
  users: z._default(z.array(slackUserIdField()).check(z.maxLength(100)), []),
  channels: z._default(z.array(slackChannelIdField()).check(z.maxLength(100)), []),
});

/** One rule per action; an action left out has no rule here. */
export const accessRulesSchema = z.strictObject({
  retry: z.optional(accessRuleSchema),
  snooze: z.optional(accessRuleSchema),
  /** `/keyturn status` (every target: only the global rule applies). */
  status: z.optional(accessRuleSchema),
  /** `/keyturn plan <target>`: a dry run. */
  plan: z.optional(accessRuleSchema),
  /** `/keyturn rotate <target>` and its "Rotate anyway". */
  rotate: z.optional(accessRuleSchema),
  /** "Import renewed" on the expiry digest (the import target's rule). */
  import: z.optional(accessRuleSchema),
});

export type AccessRules = z.output<typeof accessRulesSchema>;

/** The rules the endpoint receives from the deploy: the global ones, and each target's own. */
export const slackAccessSchema = z.strictObject({
  allow: z._default(accessRulesSchema, {}),
  targets: z._default(z.record(z.string(), accessRulesSchema), {}),
});

export type SlackAccess = z.output<typeof slackAccessSchema>;

export interface AccessRequest {
  action: SlackAction;
  /** The config target the action is on. */
  target: string;
  userId: string;
  channelId?: string;
}

/** Whether the request is allowed, and by which rule (for the log line). */
export function decideAccess(access: SlackAccess, request: AccessRequest): { allowed: boolean; rule: string } {
  const own = Object.hasOwn(access.targets, request.target) ? access.targets[request.target]?.[request.action] : undefined;
  const rule = own ?? access.allow[request.action];
  const where = own ? `targets.${request.target}.slack.allow.${request.action}` : `slack.allow.${request.action}`;
  if (!rule) return { allowed: false, rule: `no ${where} rule` };
  const allowed = rule.users.includes(request.userId) || (request.channelId !== undefined && rule.channels.includes(request.channelId));
  return { allowed, rule: where };
}
