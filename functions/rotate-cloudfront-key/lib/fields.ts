/** Schemas of the state fields more than one handler receives. */
import * as z from 'zod';

export const oldKeyField = z.object({ publicKeyId: z.string().min(1), versionId: z.string().min(1) }).nullable();
