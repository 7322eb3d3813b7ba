/** Schemas of the state fields more than one handler receives. */
import * as z from '../../../src/zod';

export const oldKeyField = z.nullable(z.object({ publicKeyId: z.string().check(z.minLength(1)), versionId: z.string().check(z.minLength(1)) }));

/** What step 1 read that later steps reuse (`$.assessment.known`, see KnownAtStart): ids, an ETag, flags. */
export const knownField = z.object({
  keyGroup: z.object({ id: z.string(), name: z.string(), comment: z.optional(z.string()), publicKeyIds: z.array(z.string()), etag: z.string() }),
  secretHasVersion: z.boolean(),
  // Optional: an execution started before keyturn carried it (one waiting out its grace period
  // across an upgrade) goes on without the check it feeds.
  currentVersionId: z.optional(z.nullable(z.string())),
  resuming: z.boolean(),
  notified: z.boolean(),
});
