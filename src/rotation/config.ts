/**
 * The input every rotation takes beside its target's own fields, validated once at the edge
 * (docs/design.md invariant 8): each error names the field and the rule and never echoes a value;
 * unknown fields are rejected. A service declares its own fields and its grace period's default;
 * `rotationSchemas` adds the shared ones and derives the config every later state receives.
 */
import * as z from '../zod';
import { targetAccountSchema } from '../aws/target-account';
import { kmsKeyArnField, parseInput, secretNameField, slackUserIdField, targetNameField } from '../validation';

/** Step Functions' Wait limit: the grace period is a Wait state's Seconds. */
export const MAX_WAIT_SECONDS = 99_999_999;

/** How old a key may get before a rotation is due (the key rotations: CloudFront, Lightsail). */
export const maxKeyAgeDaysField = z._default(z.number().check(z.int('must be a whole number of days'), z.minimum(1), z.maximum(3650)), 90);

/** An approval's longest wait: a week (a task token lives as long as its execution, up to a year). */
export const MAX_APPROVAL_SECONDS = 604_800;

/**
 * The approval gate (src/rotation/approval.ts): before the old credential is retired, and with
 * `beforeStart` before anything is created, the run waits for one of `approvers` to approve in
 * Slack; a rejection, or no answer within `timeoutSeconds`, sends it down its compensation path.
 */
export const approvalSchema = z.strictObject({
  approvers: z.array(slackUserIdField()).check(z.minLength(1, 'must list at least one Slack user id'), z.maxLength(20)),
  timeoutSeconds: z._default(
    z.number().check(z.int('must be a whole number of seconds'), z.minimum(60, 'must be at least 60'), z.maximum(MAX_APPROVAL_SECONDS, 'must be at most 604800 (7 days)')),
    86_400,
  ),
  beforeStart: z._default(z.boolean(), false),
});

export type ApprovalConfig = z.output<typeof approvalSchema>;

/** The fields every rotation takes, in the order an unknown-field error lists them after the target's own. */
function sharedFields(graceSecondsDefault: number) {
  return {
    force: z._default(z.boolean(), false),
    /** Read everything and report what would happen, writing nothing. */
    dryRun: z._default(z.boolean(), false),
    graceSeconds: z._default(
      z.number().check(z.int('must be a whole number of seconds'), z.minimum(0, 'must not be negative'), z.maximum(MAX_WAIT_SECONDS)),
      graceSecondsDefault,
    ),
    slackWebhookSecretId: z.optional(secretNameField()),
    /** The customer managed KMS key a secret keyturn creates is encrypted with (default: aws/secretsmanager). */
    kmsKeyArn: z.optional(kmsKeyArnField()),
    /** Resumes a crashed rotation from another execution (defaults to this execution's name). */
    rotationId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,80}$/, 'must be 1-80 letters, digits or _.:-'))),
    /** The target's account and region, when not keyturn's own (src/aws/target-account.ts). */
    account: z.optional(targetAccountSchema),
    /** The keyturn.config.yml target this run is for (set by the schedule and `keyturn run --target`): Slack's buttons name it. */
    target: z.optional(targetNameField()),
    /** Approvers must approve in Slack before the old credential is retired (and optionally before the rotation starts). */
    approval: z.optional(approvalSchema),
    /** The Slack user who started this run (a Retry or a slash command): they may not approve it. */
    requestedBy: z.optional(slackUserIdField()),
  };
}

/** What the first step adds to the config: the rotation it works on, and (key rotations) the attempt (src/secrets/credential-store.ts, resolveRotationAttempt). */
const decidedFields = {
  rotationId: z.string().check(z.minLength(1)),
  attempt: z.optional(z.number().check(z.int(), z.minimum(0))),
};

/**
 * A rotation's input schema (its own fields, then the shared ones), the config every state after
 * the first receives (`$.config`: the input with its defaults, and the rotation it works on), the
 * field list an unknown-field error names, and the first step's parse.
 */
export function rotationSchemas<S extends z.core.$ZodLooseShape>(own: S, options: { graceSecondsDefault: number }) {
  const input = z.strictObject({ ...own, ...sharedFields(options.graceSecondsDefault) });
  const config = z.extend(input, decidedFields);
  const fields: readonly string[] = Object.keys(input.shape);
  return {
    input,
    config,
    fields,
    /** The first step's parse: the input by its rules, then the config with the rotation it works on (this execution, unless the input names one). */
    parse(raw: unknown, executionName: string): z.output<typeof config> {
      const parsed: Record<string, unknown> = parseInput(input, raw, fields);
      return z.parse(config, { ...parsed, rotationId: parsed.rotationId ?? executionName });
    },
  };
}
