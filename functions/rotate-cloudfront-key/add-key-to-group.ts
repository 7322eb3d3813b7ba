/** Task "Add new key to key group". */
import * as z from '../../src/zod';
import { cloudFrontClient } from '../../src/aws/clients';
import { addNewKeyToGroup } from '../../src/cloudfront/rotation';
import { knownField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, publicKeyId: z.string().check(z.minLength(1)), known: knownField });

export const handler = stepHandler(
  event,
  ({ config, publicKeyId, known }, deps) => addNewKeyToGroup(deps, config, publicKeyId, known),
  { cloudFront: cloudFrontClient },
);
