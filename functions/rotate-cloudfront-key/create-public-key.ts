/** Task "Create public key". */
import * as z from '../../src/zod';
import { cloudFrontClient, secretsManagerClient } from '../../src/aws/clients';
import { createNewPublicKey } from '../../src/cloudfront/rotation';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(
  z.object({ config: configField }),
  ({ config }, deps) => createNewPublicKey(deps, config),
  { cloudFront: cloudFrontClient, secrets: secretsManagerClient },
);
