/**
 * The input of `rotate-cloudfront-key`, validated once at the edge (invariant 8): every error
 * names the field and the rule; unknown fields are rejected.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors';
import { ALGORITHMS } from './key-pair';

/** Step Functions' Wait limit. */
const MAX_WAIT_SECONDS = 99_999_999;

export const rotationInputSchema = z
  .object({
    keyGroupId: z.string().regex(/^[A-Za-z0-9-]{1,128}$/, 'must be a CloudFront key group id'),
    secretId: z
      .string()
      .regex(/^keyturn\/[A-Za-z0-9/_+=.@-]{1,500}$/, 'must be a secret name under keyturn/ (letters, digits, /_+=.@-)'),
    graceSeconds: z.number().int('must be a whole number of seconds').min(0).max(MAX_WAIT_SECONDS).default(86_400),
    maxKeyAgeDays: z.number().int('must be a whole number of days').min(1).max(3650).default(90),
    force: z.boolean().default(false),
    algorithm: z.enum(ALGORITHMS).default('RSA_2048'),
    slackWebhookSecretId: z
      .string()
      .regex(/^keyturn\/[A-Za-z0-9/_+=.@-]{1,500}$/, 'must be a secret name under keyturn/')
      .optional(),
    testUrlBase: z.url({ protocol: /^https?$/ }).optional(),
    /** Resumes a crashed rotation from another execution (defaults to this execution's name). */
    rotationId: z.string().regex(/^[A-Za-z0-9_.:-]{1,80}$/, 'must be 1-80 letters, digits or _.:-').optional(),
  })
  .strict();

export type RotationInput = z.input<typeof rotationInputSchema>;

export interface RotationConfig {
  keyGroupId: string;
  secretId: string;
  graceSeconds: number;
  maxKeyAgeDays: number;
  force: boolean;
  algorithm: (typeof ALGORITHMS)[number];
  slackWebhookSecretId?: string;
  testUrlBase?: string;
  rotationId: string;
}

/** The config every later state receives (as `$.config`). */
export const rotationConfigSchema = rotationInputSchema.extend({ rotationId: z.string().min(1) });

export function parseRotationInput(input: unknown, executionName: string): RotationConfig {
  const parsed = rotationInputSchema.safeParse(input);
  if (!parsed.success) throw toInvalidInput(parsed.error);
  const { rotationId, ...rest } = parsed.data;
  return { ...rest, rotationId: rotationId ?? executionName };
}

/** Turns the first zod issue into InvalidInputError(field, rule); never echoes the value. */
export function toInvalidInput(error: z.ZodError): InvalidInputError {
  const issue = error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    return new InvalidInputError(issue.keys.join(', '), 'unknown field (allowed: ' + Object.keys(rotationInputSchema.shape).join(', ') + ')');
  }
  const field = issue?.path.length ? issue.path.join('.') : '(input)';
  return new InvalidInputError(field, issue?.message ?? 'invalid');
}
