/** Task "Test the new key against the bucket": reads the secret from Secrets Manager itself. */
import * as z from '../../src/zod';
import { s3BucketClient, secretsManagerClient } from '../../src/aws/clients';
import { testNewKey } from '../../src/lightsail/rotation';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, pendingVersionId: z.string().check(z.minLength(1)) });

export const handler = stepHandler(
  event,
  ({ config, pendingVersionId }, deps) => testNewKey(deps, config, pendingVersionId),
  { secrets: secretsManagerClient, s3For: () => s3BucketClient },
);
