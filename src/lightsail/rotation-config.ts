/**
 * The input of `rotate-lightsail-bucket-key`, validated once at the edge (invariant 8): every
 * error names the field and the rule; unknown fields are rejected; values are never echoed.
 */
import * as z from '../zod';
import { targetAccountSchema } from '../aws/target-account';
import { parseInput, secretNameField, kmsKeyArnField } from '../validation';

/** Step Functions' Wait limit. */
const MAX_WAIT_SECONDS = 99_999_999;

/** A Lightsail bucket name, as the input takes it and as a secret records it (access-key-secret.ts). */
export const bucketNameField = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,52}[a-z0-9]$/, 'must be a Lightsail bucket name (3-54 lower-case letters, digits, -)'));

export const rotationInputSchema = z.strictObject({
  bucketName: bucketNameField,
  secretId: secretNameField(),
  maxKeyAgeDays: z._default(z.number().check(z.int('must be a whole number of days'), z.minimum(1), z.maximum(3650)), 90),
  force: z._default(z.boolean(), false),
  /** Read everything and report what would happen, writing nothing. */
  dryRun: z._default(z.boolean(), false),
  graceSeconds: z._default(z.number().check(z.int('must be a whole number of seconds'), z.minimum(0), z.maximum(MAX_WAIT_SECONDS)), 86_400),
  slackWebhookSecretId: z.optional(secretNameField()),
  /** The customer managed KMS key a secret keyturn creates is encrypted with (default: aws/secretsmanager). */
  kmsKeyArn: z.optional(kmsKeyArnField()),
  /** Resumes a crashed rotation from another execution (defaults to this execution's name). */
  rotationId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,80}$/, 'must be 1-80 letters, digits or _.:-'))),
  /** The target's account and region, when not keyturn's own (src/aws/target-account.ts). */
  account: z.optional(targetAccountSchema),
});

export type RotationInput = z.input<typeof rotationInputSchema>;

/** What every state after the first receives (`$.config`): the input with its defaults, and the rotation it works on. */
export type RotationConfig = z.output<typeof rotationConfigSchema>;

/** The config every later state receives (as `$.config`). */
export const rotationConfigSchema = z.extend(rotationInputSchema, {
  rotationId: z.string().check(z.minLength(1)),
  attempt: z.optional(z.number().check(z.int(), z.minimum(0))),
});

/** Every field the input may hold, listed when an unknown one is found. */
export const ROTATION_INPUT_FIELDS: readonly string[] = Object.keys(rotationInputSchema.shape);

export function parseRotationInput(input: unknown, executionName: string): RotationConfig {
  const { rotationId, ...rest } = parseInput(rotationInputSchema, input, ROTATION_INPUT_FIELDS);
  return { ...rest, rotationId: rotationId ?? executionName };
}
