/** Schemas of the state fields more than one handler receives. */
import * as z from '../../../src/zod';

export const oldKeyField = z.nullable(z.object({ publicKeyId: z.string().check(z.minLength(1)), versionId: z.string().check(z.minLength(1)) }));
