/** Task "Create the new key and store its secret": returns the access key id and version id, never the secret. */
import * as z from '../../src/zod';
import { lightsailClient, secretsManagerClient } from '../../src/aws/clients';
import { createAndStoreKey } from '../../src/lightsail/rotation';
import { knownField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(
  z.object({ config: configField, known: knownField, keyCount: z.number().check(z.int(), z.minimum(0)) }),
  ({ config, known, keyCount }, deps) => createAndStoreKey(deps, config, { ...known, keyCount }),
  { lightsail: lightsailClient, secrets: secretsManagerClient },
);
