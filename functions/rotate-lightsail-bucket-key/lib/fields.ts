/** Schemas of the state fields more than one handler receives. */
import * as z from '../../../src/zod';

/** What step 1 read that later steps reuse (`$.assessment.known`, see KnownAtStart): ids and flags. */
export const knownField = z.object({
  accessKeyIds: z.array(z.string()),
  secretHasVersion: z.boolean(),
  // Optional: an execution started before keyturn carried it (one waiting out its grace period
  // across an upgrade) goes on without the check it feeds.
  currentVersionId: z.optional(z.nullable(z.string())),
  ownAccessKeyId: z.nullable(z.string()),
  notified: z.boolean(),
});
