/**
 * The input of `rotate-apigw-client-cert`, validated once at the edge (invariant 8): every error
 * names the field and the rule, never echoes a value, and unknown fields are rejected. Tags are
 * checked against API Gateway's rules (aws-facts.md) here, before any call.
 */
import * as z from '../zod';
import { rotationSchemas } from '../rotation/config';
import { secretNameField } from '../validation';
import { restApiIdField } from './target-id';

/** Client certificates are valid 365 days: renewing earlier than that would rotate on every run. */
const MAX_RENEW_BEFORE_DAYS = 364;
/** API Gateway allows 50 tags a resource; keyturn adds RESERVED_TAG_KEYS itself. */
const MAX_TAGS = 50;
export const RESERVED_TAG_KEYS = ['managed-by', 'keyturn:rotation', 'keyturn:replaces'] as const;
/** aws-facts.md: letters, digits and `+ - = . _ : /`. */
const TAG_CHARS = /^[A-Za-z0-9+\-=._:/]*$/;

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

const schemas = rotationSchemas(
  {
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
    tags: z.optional(tagsSchema),
  },
  { graceSecondsDefault: 3600 },
);

export const rotationInputSchema = schemas.input;
export type RotationInput = z.input<typeof rotationInputSchema>;
/** The config every state after the first receives (`$.config`). */
export const rotationConfigSchema = schemas.config;
export type RotationConfig = z.output<typeof rotationConfigSchema>;
/** Every field the input may hold, listed when an unknown one is found. */
export const ROTATION_INPUT_FIELDS = schemas.fields;
export const parseRotationInput = schemas.parse;
