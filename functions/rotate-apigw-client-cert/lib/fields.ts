/** Schemas of the state fields more than one handler receives. */
import * as z from '../../../src/zod';

export const stageNamesField = z.array(z.string().check(z.minLength(1)));
export const certificateIdField = z.string().check(z.minLength(1));
export const certificateIdsField = z.array(z.string().check(z.minLength(1)));

/** What step 1 read that later steps reuse (`$.assessment.known`, see KnownAtStart): a count and flags. */
export const knownField = z.object({
  certificateCount: z.number().check(z.int(), z.minimum(0)),
  resuming: z.boolean(),
  notified: z.boolean(),
  // Optional: an execution started before keyturn carried it goes on without the check it feeds.
  // Null: the trust store did not exist yet when step 1 read it.
  trustStoreVersionId: z.optional(z.nullable(z.string().check(z.minLength(1)))),
});
