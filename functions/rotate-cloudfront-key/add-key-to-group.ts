/** Task "Add new key to key group". */
import * as z from '../../src/zod';
import { cloudFrontClient } from '../../src/aws/clients';
import { addNewKeyToGroup } from '../../src/cloudfront/rotation';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, publicKeyId: z.string().check(z.minLength(1)) });

export const handler = stepHandler(
  event,
  ({ config, publicKeyId }, deps) => addNewKeyToGroup(deps, config, publicKeyId),
  { cloudFront: cloudFrontClient },
);
