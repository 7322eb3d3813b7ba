/** Task "Delete the old key unless it is still used" (after the grace period). */
import * as z from 'zod';
import { lightsailClient, secretsManagerClient } from '../../src/aws/clients';
import { retireOldKey } from '../../src/lightsail/rotation';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, oldAccessKeyId: z.string().min(1).nullable() });

export const handler = stepHandler(
  event,
  ({ config, oldAccessKeyId }, deps) => retireOldKey(deps, config, oldAccessKeyId),
  { lightsail: lightsailClient, secrets: secretsManagerClient },
);
