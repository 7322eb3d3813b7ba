/** Task "Record public key in pending secret". */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { recordPublicKey } from '../../src/cloudfront/rotation';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, publicKeyId: z.string().check(z.minLength(1)) });

export const handler = stepHandler(
  event,
  ({ config, publicKeyId }, deps) => recordPublicKey(deps, config, publicKeyId),
  { secrets: secretsManagerClient },
);
