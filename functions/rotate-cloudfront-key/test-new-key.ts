/** Task "Test a URL signed with the new key": reads the private key from Secrets Manager itself. */
import * as z from '../../src/zod';
import { cloudFrontClient, secretsManagerClient } from '../../src/aws/clients';
import { testNewKey } from '../../src/cloudfront/rotation';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, publicKeyId: z.string().check(z.minLength(1)), pendingVersionId: z.string().check(z.minLength(1)) });

export const handler = stepHandler(event, ({ config, publicKeyId, pendingVersionId }, deps) =>
  testNewKey(deps, config, publicKeyId, pendingVersionId),
  { cloudFront: cloudFrontClient, secrets: secretsManagerClient },
);
