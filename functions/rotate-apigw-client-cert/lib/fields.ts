/** Schemas of the state fields more than one handler receives. */
import * as z from '../../../src/zod';

export const stageNamesField = z.array(z.string().check(z.minLength(1)));
export const certificateIdField = z.string().check(z.minLength(1));
export const certificateIdsField = z.array(z.string().check(z.minLength(1)));
