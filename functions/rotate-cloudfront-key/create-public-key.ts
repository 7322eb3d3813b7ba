/** Task "Create public key": from the public half step 3 returned; it never reads the secret. */
import * as z from '../../src/zod';
import { cloudFrontClient } from '../../src/aws/clients';
import { createNewPublicKey } from '../../src/cloudfront/rotation';
import { knownField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(
  z.object({
    config: configField,
    known: knownField,
    stored: z.looseObject({ publicKey: z.string().check(z.minLength(1)), createdAt: z.string().check(z.minLength(1)) }),
  }),
  ({ config, known, stored }, deps) => createNewPublicKey(deps, config, { publicKey: stored.publicKey, createdAt: stored.createdAt, resuming: known.resuming }),
  { cloudFront: cloudFrontClient },
);
