/** Schemas of the state fields more than one handler receives. */
import * as z from '../../../src/zod';

/** What step 1 read that later steps reuse (`$.assessment.known`, see KnownAtStart): ids and flags. */
export const knownField = z.object({
  accessKeyIds: z.array(z.string()),
  secretExists: z.boolean(),
  ownAccessKeyId: z.nullable(z.string()),
  notified: z.boolean(),
});
