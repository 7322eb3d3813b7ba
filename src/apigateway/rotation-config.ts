/**
 * The input of `rotate-apigw-client-cert`, validated once at the edge (invariant 8): every error
 * names the field and the rule, never echoes a value, and unknown fields are rejected. Tags are
 * checked against API Gateway's rules (aws-facts.md) here, before any call.
 */
import * as z from '../zod';
import { targetAccountSchema } from '../aws/target-account';
import { parseInput, secretNameField, kmsKeyArnField } from '../validation';

/** Step Functions' Wait limit. */
const MAX_WAIT_SECONDS = 99_999_999;
/** Client certificates are valid 365 days: renewing earlier than that would rotate on every run. */
const MAX_RENEW_BEFORE_DAYS = 364;
/** API Gateway allows 50 tags a resource; keyturn adds RESERVED_TAG_KEYS itself. */
const MAX_TAGS = 50;
export const RESERVED_TAG_KEYS = ['managed-by', 'keyturn:rotation', 'keyturn:replaces'] as const;
/** aws-facts.md: letters, digits and `+ - = . _ : /`. */
const TAG_CHARS = /^[A-Za-z0-9+\-=._:/]*$/;

export const restApiIdField = z.string().check(z.regex(/^[A-Za-z0-9]{1,64}$/, 'must be a REST API id (letters and digits)'));

const tagsSchema = z.record(z.string(), z.string()).check(z.superRefine((tags, ctx) => {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS - RESERVED_TAG_KEYS.length) {
    ctx.addIssue({ code: 'custom', message: `at most ${MAX_TAGS - RESERVED_TAG_KEYS.length} tags (API Gateway allows ${MAX_TAGS}; keyturn adds ${RESERVED_TAG_KEYS.length})` });
  }
  for (const [key, value] of entries) {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
    if (key.length < 1 || key.length > 128) issue('tag keys must be 1-128 characters');
    else if (key.toLowerCase().startsWith('aws:')) issue('tag keys must not start with aws:');
    else if (!TAG_CHARS.test(key)) issue('tag keys may hold only letters, digits and + - = . _ : /');
    else if ((RESERVED_TAG_KEYS as readonly string[]).includes(key)) issue('tag key is reserved for keyturn');
    else if (value.length > 256) issue('tag values must be at most 256 characters');
    else if (!TAG_CHARS.test(value)) issue('tag values may hold only letters, digits and + - = . _ : /');
  }
}));

export const rotationInputSchema = z.strictObject({
  restApiId: restApiIdField,
  stageNames: z.optional(
    z
      .array(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a stage name (1-128 letters, digits, _ or -)')))
      .check(
        z.minLength(1, 'must name at least one stage (or leave the field out)'),
        z.refine((names) => new Set(names).size === names.length, 'must not repeat a stage'),
      ),
  ),
  trustStoreSecretId: secretNameField(),
  renewBeforeDays: z._default(
    z
      .number()
      .check(
        z.int('must be a whole number of days'),
        z.minimum(0, 'must not be negative'),
        z.maximum(MAX_RENEW_BEFORE_DAYS, `must be at most ${MAX_RENEW_BEFORE_DAYS} (certificates last 365 days)`),
      ),
    30,
  ),
  force: z._default(z.boolean(), false),
  /** Read everything and report what would happen, writing nothing. */
  dryRun: z._default(z.boolean(), false),
  graceSeconds: z._default(z.number().check(z.int('must be a whole number of seconds'), z.minimum(0, 'must not be negative'), z.maximum(MAX_WAIT_SECONDS)), 3600),
  slackWebhookSecretId: z.optional(secretNameField()),
  /** The customer managed KMS key a secret keyturn creates is encrypted with (default: aws/secretsmanager). */
  kmsKeyArn: z.optional(kmsKeyArnField()),
  tags: z.optional(tagsSchema),
  /** Resumes a crashed rotation from another execution (defaults to this execution's name). */
  rotationId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,80}$/, 'must be 1-80 letters, digits or _.:-'))),
  /** The target's account and region, when not keyturn's own (src/aws/target-account.ts). */
  account: z.optional(targetAccountSchema),
});

export type RotationInput = z.input<typeof rotationInputSchema>;

/** What every state after the first receives (`$.config`): the input with its defaults, and the rotation it works on. */
export type RotationConfig = z.output<typeof rotationConfigSchema>;

/** The config every later state receives (as `$.config`). */
export const rotationConfigSchema = z.extend(rotationInputSchema, { rotationId: z.string().check(z.minLength(1)) });

/** Every field the input may hold, listed when an unknown one is found. */
export const ROTATION_INPUT_FIELDS: readonly string[] = Object.keys(rotationInputSchema.shape);

export function parseRotationInput(input: unknown, executionName: string): RotationConfig {
  const { rotationId, ...rest } = parseInput(rotationInputSchema, input, ROTATION_INPUT_FIELDS);
  return { ...rest, rotationId: rotationId ?? executionName };
}
