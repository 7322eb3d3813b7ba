/**
 * Turning a zod failure into InvalidInputError (invariant 8): the error names the field and the
 * rule it broke, and never echoes the value. Every schema-checked input in deployed code goes
 * through here, so they all report a bad field the same way.
 */
import * as z from './zod';
import { InvalidInputError } from './errors';

/**
 * The name of a secret keyturn keeps: under `keyturn/` (the functions' roles reach nothing else),
 * of Secrets Manager's name characters, and with no `..` segment: Secrets Manager reads it
 * literally, but a person or a policy reading it as a path would be misled about where it is.
 */
/** A keyturn.config.yml target name: it becomes execution-name prefixes (80 characters at most) and resource ids. */
export const TARGET_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const targetNameField = () => z.string().check(z.regex(TARGET_NAME, 'must be a keyturn.config.yml target name (1-40 lower-case letters, digits or hyphens)'));

/** A Slack user id (`U…`, `W…` in Enterprise Grid): who may act, approve, or asked for a run. */
export const slackUserIdField = () => z.string().check(z.regex(/^[UW][A-Z0-9]{2,20}$/, 'must be a Slack user id such as U024BE7LH'));
/** A Slack channel id (`C…`, `G…`, `D…`). */
export const slackChannelIdField = () => z.string().check(z.regex(/^[CGD][A-Z0-9]{2,20}$/, 'must be a Slack channel id such as C024BE91L'));

export const SECRET_NAME = /^keyturn\/(?!(?:.*\/)?\.\.(?:\/|$))[A-Za-z0-9/_+=.@-]{1,500}$/;
export const SECRET_NAME_RULE = 'must be a secret name under keyturn/ (letters, digits, /_+=.@-; no .. segment)';

/** A secret id field of an input or the config: SECRET_NAME. */
export const secretNameField = () => z.string().check(z.regex(SECRET_NAME, SECRET_NAME_RULE));

/**
 * A customer managed KMS key, by its ARN: the only form that works from another account (CreateSecret:
 * "To use a KMS key in a different account, use the key ARN or the alias ARN") and that an IAM
 * policy can grant kms:Decrypt on (an alias names no key in a policy).
 */
export const KMS_KEY_ARN = /^arn:(?:aws|aws-cn|aws-us-gov):kms:[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d:\d{12}:key\/(?:mrk-)?[A-Za-z0-9-]{1,64}$/;
export const kmsKeyArnField = () => z.string().check(z.regex(KMS_KEY_ARN, 'must be a KMS key ARN: arn:aws:kms:<region>:<account id>:key/<key id>'));

/**
 * The first zod issue as InvalidInputError(field, rule); `allowedFields`, when given, is listed
 * in the rule of an unknown field.
 */
export function invalidInputFrom(error: z.core.$ZodError, allowedFields?: readonly string[]): InvalidInputError {
  const issue = error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const allowed = allowedFields ? ` (allowed: ${allowedFields.join(', ')})` : '';
    return new InvalidInputError(issue.keys.join(', '), `unknown field${allowed}`);
  }
  const field = issue?.path.length ? issue.path.join('.') : '(input)';
  return new InvalidInputError(field, issue?.message ?? 'invalid');
}

/** `value` checked against `schema`, or InvalidInputError naming the field and the rule. */
export function parseInput<S extends z.core.$ZodType>(schema: S, value: unknown, allowedFields?: readonly string[]): z.infer<S> {
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) throw invalidInputFrom(parsed.error, allowedFields);
  return parsed.data;
}
