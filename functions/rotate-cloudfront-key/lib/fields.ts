/** Schemas of the state fields more than one handler receives. */
import * as z from 'zod';

export const oldKeyField = z.object({ publicKeyId: z.string().min(1), versionId: z.string().min(1) }).nullable();

/** What step 1 read that later steps reuse (`$.assessment.known`, see KnownAtStart): ids, an ETag, flags. */
export const knownField = z.object({
  keyGroup: z.object({ id: z.string(), name: z.string(), comment: z.string().optional(), publicKeyIds: z.array(z.string()), etag: z.string() }),
  secretExists: z.boolean(),
  resuming: z.boolean(),
  notified: z.boolean(),
});
