/** Task "Create public key". */
import { z } from 'zod';
import { createNewPublicKey } from '../../src/cloudfront/rotation';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(z.object({ config: configField }), ({ config }, deps) => createNewPublicKey(deps, config));
