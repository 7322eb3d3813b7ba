/** Task "Store a new key pair as pending": returns the version id, never the key. */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { storePendingKey } from '../../src/cloudfront/rotation';
import { knownField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(
  z.object({ config: configField, known: knownField }),
  ({ config, known }, deps) => storePendingKey(deps, config, known),
  { secrets: secretsManagerClient },
);
