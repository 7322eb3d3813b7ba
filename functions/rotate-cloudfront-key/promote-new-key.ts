/** Task "Make the new key current". */
import * as z from 'zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { promoteNewKey } from '../../src/cloudfront/rotation';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, pendingVersionId: z.string().min(1), publicKeyId: z.string().min(1) });

export const handler = stepHandler(
  event,
  ({ config, pendingVersionId, publicKeyId }, deps) => promoteNewKey(deps, config, pendingVersionId, publicKeyId),
  { secrets: secretsManagerClient },
);
