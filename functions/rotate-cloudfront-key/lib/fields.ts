/** Schemas of the state fields more than one handler receives. */
import { z } from 'zod';

export const oldKeyField = z.object({ publicKeyId: z.string().min(1), versionId: z.string().min(1) }).nullable();

/** A caught error as Step Functions hands it over: `Cause` is Lambda's JSON string on AWS and locally. */
export const failureField = z.object({ Error: z.string(), Cause: z.string().optional() });
