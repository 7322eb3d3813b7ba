/** Task "Delete old public key". */
import * as z from '../../src/zod';
import { cloudFrontClient } from '../../src/aws/clients';
import { deleteOldPublicKey } from '../../src/cloudfront/rotation';
import { configField, stepHandler } from './lib/step-handler';
import { oldKeyField } from './lib/fields';

export const handler = stepHandler(z.object({ config: configField, oldKey: oldKeyField }), ({ config, oldKey }, deps) =>
  deleteOldPublicKey(deps, config, oldKey),
  { cloudFront: cloudFrontClient },
);
