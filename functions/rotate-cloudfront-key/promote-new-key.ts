/** Task "Promote the new key". */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { promoteNewKey } from '../../src/cloudfront/rotation';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, pendingVersionId: z.string().check(z.minLength(1)), publicKeyId: z.string().check(z.minLength(1)) });

export const handler = stepHandler(
  event,
  ({ config, pendingVersionId, publicKeyId }, deps) => promoteNewKey(deps, config, pendingVersionId, publicKeyId),
  { secrets: secretsManagerClient },
);
