/**
 * Schemas of the failure a state machine's Catch hands to its compensation and notification
 * Tasks, shared by every workflow (see src/notify/caught-failure.ts for what is said about it).
 */
import * as z from '../zod';

/**
 * A caught error as Step Functions hands it over: `Cause` is Lambda's JSON string on AWS and
 * locally. Both optional: a step that reports a failure must not fail on the failure's shape.
 */
export const failureField = z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) });

/** What the compensation state did: the state that failed, what it undid, and what it kept. */
export const compensationField = z.looseObject({ failedState: z.string(), undone: z.array(z.string()), kept: z.array(z.string()) });

/** The event of an "Undo the unfinished rotation" Task: the failure, the whole state as progress, and the workflow's own fields (`config`, …). */
export function undoEvent<T extends z.core.$ZodShape>(shape: T) {
  return z.object({ ...shape, failure: failureField, progress: z.record(z.string(), z.unknown()) });
}

/**
 * The event of a "Notify Slack of the failure" Task. `config` is there only once the input was
 * validated; `targetShape` names the fields of it the message needs (besides the webhook secret).
 */
export function failureNoticeEvent<T extends z.core.$ZodShape>(targetShape: T) {
  return z.object({
    executionName: z.string(),
    failure: failureField,
    config: z.optional(z.looseObject({ slackWebhookSecretId: z.optional(z.string()), ...targetShape })),
    request: z.optional(z.unknown()),
    compensation: z.optional(compensationField),
  });
}

/**
 * What to report on: the validated config, or (when the input never validated) the raw request
 * read with a `loose` schema that keeps only values that look right and never fails.
 */
export function failureTarget<C, L>(config: C | undefined, request: unknown, loose: z.core.$ZodType<L>): C | L {
  return config ?? z.parse(loose, typeof request === 'object' && request !== null ? request : {});
}

/** Where the rotation failed and what the compensation did (nothing, when it failed before any change). */
export function failureOutcome(compensation: z.infer<typeof compensationField> | undefined, firstState: string) {
  return { failedState: compensation?.failedState ?? firstState, undone: compensation?.undone ?? [], kept: compensation?.kept ?? [] };
}
