/**
 * The base of every error keyturn throws on purpose.
 *
 * Each subclass sets `name` to a string literal: Step Functions matches Retry/Catch on the
 * Lambda `errorType`, which is the error's `name`, and minifiers rename classes.
 * Messages and fields never carry secret material (docs/design.md invariant 2).
 */
export class KeyturnError extends Error {
  override name: string = 'KeyturnError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Bad input: names the field and the rule it broke (invariant 8). Never retried. */
export class InvalidInputError extends KeyturnError {
  override name = 'InvalidInputError' as const;
  readonly field: string;
  readonly rule: string;
  constructor(field: string, rule: string, options?: { cause?: unknown }) {
    super(`${field}: ${rule}`, options);
    this.field = field;
    this.rule = rule;
  }
}

/**
 * The input names a target that does not exist or cannot be used (a key group, a bucket, a
 * secret). Shaped like InvalidInputError (`<field>: <rule>`, with `field` and `rule`) so bad input
 * names the field (invariant 8) even when only AWS can tell; subclasses keep their own `name`
 * because state machines match on it.
 */
export class InputTargetError extends KeyturnError {
  override name: string = 'InputTargetError';
  readonly field: string;
  readonly rule: string;
  constructor(field: string, rule: string, options?: { cause?: unknown }) {
    super(`${field}: ${rule}`, options);
    this.field = field;
    this.rule = rule;
  }
}

/** A service quota that the next write would exceed (invariant 6): nothing was changed. */
export class QuotaExceededError extends KeyturnError {
  override name = 'QuotaExceededError' as const;
}

/** The world is not in a state this step can act on safely; an operator must look. */
export class UnsafeStateError extends KeyturnError {
  override name = 'UnsafeStateError' as const;
}

/** Another rotation of the same target holds the lock (its AWSPENDING version). */
export class RotationInProgressError extends KeyturnError {
  override name = 'RotationInProgressError' as const;
}

/** A transient failure worth retrying from the state machine (throttling left after SDK retries, 5xx). */
export class TransientAwsError extends KeyturnError {
  override name = 'TransientAwsError' as const;
}

/** Renders an unknown thrown value for logs and error messages without `JSON.stringify(error)`. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'UnknownError', message: String(error) };
}
