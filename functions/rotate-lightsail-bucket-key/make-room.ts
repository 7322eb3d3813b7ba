/** Task "Make room for the new key". */
import * as z from '../../src/zod';
import { lightsailClient, secretsManagerClient } from '../../src/aws/clients';
import { makeRoom } from '../../src/lightsail/rotation';
import { knownField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(
  z.object({ config: configField, known: knownField }),
  ({ config, known }, deps) => makeRoom(deps, config, known),
  { lightsail: lightsailClient, secrets: secretsManagerClient },
);
