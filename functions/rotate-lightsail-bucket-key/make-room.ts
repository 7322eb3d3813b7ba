/** Task "Make room for the new key". */
import { z } from 'zod';
import { makeRoom } from '../../src/lightsail/rotation';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(z.object({ config: configField }), ({ config }, deps) => makeRoom(deps, config));
