/** Schemas of the state fields more than one handler receives. */
import * as z from 'zod';

export const stageNamesField = z.array(z.string().min(1));
export const certificateIdField = z.string().min(1);
export const certificateIdsField = z.array(z.string().min(1));
