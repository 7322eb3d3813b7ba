/** Task "Ensure the key group has room". */
import * as z from '../../src/zod';
import { cloudFrontClient, secretsManagerClient } from '../../src/aws/clients';
import { ensureRoom } from '../../src/cloudfront/rotation';
import { knownField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(
  z.object({ config: configField, known: knownField }),
  ({ config, known }, deps) => ensureRoom(deps, config, known),
  { cloudFront: cloudFrontClient, secrets: secretsManagerClient },
);
