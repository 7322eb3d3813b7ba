/** Task "Make room for the new key". */
import * as z from '../../src/zod';
import { lightsailClient, secretsManagerClient } from '../../src/aws/clients';
import { makeRoom } from '../../src/lightsail/rotation';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(
  z.object({ config: configField }),
  ({ config }, deps) => makeRoom(deps, config),
  { lightsail: lightsailClient, secrets: secretsManagerClient },
);
