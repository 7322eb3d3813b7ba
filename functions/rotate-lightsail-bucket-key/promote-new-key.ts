/** Task "Promote the new key". */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { promoteNewKey } from '../../src/lightsail/rotation';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, pendingVersionId: z.string().check(z.minLength(1)), accessKeyId: z.string().check(z.minLength(1)) });

export const handler = stepHandler(
  event,
  ({ config, pendingVersionId, accessKeyId }, deps) => promoteNewKey(deps, config, pendingVersionId, accessKeyId),
  { secrets: secretsManagerClient },
);
