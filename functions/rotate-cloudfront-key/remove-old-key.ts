/** Task "Remove old key from key group" (after the grace period). */
import * as z from '../../src/zod';
import { cloudFrontClient, secretsManagerClient } from '../../src/aws/clients';
import { removeOldKeyFromGroup } from '../../src/cloudfront/rotation';
import { configField, stepHandler } from './lib/step-handler';
import { oldKeyField } from './lib/fields';

export const handler = stepHandler(z.object({ config: configField, oldKey: oldKeyField }), ({ config, oldKey }, deps) =>
  removeOldKeyFromGroup(deps, config, oldKey),
  { cloudFront: cloudFrontClient, secrets: secretsManagerClient },
);
