/**
 * Schemas of the failure a rotation's Catch hands to its compensation and notification Tasks,
 * shared by every rotation (src/notify/caught-failure.ts says what is told of a failure; the
 * notification step is src/lambda/failure-notice.ts, a module of its own so that the undo step
 * does not bundle the Slack message builder).
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
  return z.object({ ...shape, failure: failureField, progress: z.record(z.string(), z.unknown()), executionArn: z.optional(z.string()) });
}
