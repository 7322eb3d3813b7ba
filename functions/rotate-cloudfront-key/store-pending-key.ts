/** Task "Generate key pair and store it as pending": returns the version id, never the key. */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { storePendingKey } from '../../src/cloudfront/rotation';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(
  z.object({ config: configField }),
  ({ config }, deps) => storePendingKey(deps, config),
  { secrets: secretsManagerClient },
);
