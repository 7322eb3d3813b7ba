/** Task "Delete the old key unless it is still used" (after the grace period). */
import * as z from '../../src/zod';
import { lightsailClient, secretsManagerClient } from '../../src/aws/clients';
import { retireOldKey } from '../../src/lightsail/rotation';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, oldAccessKeyId: z.nullable(z.string().check(z.minLength(1))) });

export const handler = stepHandler(
  event,
  ({ config, oldAccessKeyId }, deps) => retireOldKey(deps, config, oldAccessKeyId),
  { lightsail: lightsailClient, secrets: secretsManagerClient },
);
