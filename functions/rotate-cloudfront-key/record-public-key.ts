/** Task "Record public key in pending secret". */
import { z } from 'zod';
import { recordPublicKey } from '../../src/cloudfront/rotation';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, publicKeyId: z.string().min(1) });

export const handler = stepHandler(event, ({ config, publicKeyId }, deps) => recordPublicKey(deps, config, publicKeyId));
