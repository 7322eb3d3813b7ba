/** Task "Add new key to key group". */
import * as z from 'zod';
import { cloudFrontClient } from '../../src/aws/clients';
import { addNewKeyToGroup } from '../../src/cloudfront/rotation';
import { knownField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, publicKeyId: z.string().min(1), known: knownField });

export const handler = stepHandler(
  event,
  ({ config, publicKeyId, known }, deps) => addNewKeyToGroup(deps, config, publicKeyId, known),
  { cloudFront: cloudFrontClient },
);
