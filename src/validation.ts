/**
 * Turning a zod failure into InvalidInputError (invariant 8): the error names the field and the
 * rule it broke, and never echoes the value. Every schema-checked input in deployed code goes
 * through here, so they all report a bad field the same way.
 */
import * as z from './zod';
import { InvalidInputError } from './errors';

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
