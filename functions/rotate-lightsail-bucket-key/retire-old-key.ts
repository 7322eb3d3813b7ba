/** Task "Retire the old key unless it is still used" (after the grace period). */
import * as z from '../../src/zod';
import { lightsailClient, secretsManagerClient } from '../../src/aws/clients';
import { retireOldKey } from '../../src/lightsail/rotation';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({
  config: configField,
  oldAccessKeyId: z.nullable(z.string().check(z.minLength(1))),
  /** What step 5 made current (or, resuming, what step 1 found current). */
  promoted: z.looseObject({ accessKeyId: z.string().check(z.minLength(1)), currentVersionId: z.string().check(z.minLength(1)) }),
});

export const handler = stepHandler(
  event,
  ({ config, oldAccessKeyId, promoted }, deps) => retireOldKey(deps, config, oldAccessKeyId, promoted),
  { lightsail: lightsailClient, secrets: secretsManagerClient },
);
