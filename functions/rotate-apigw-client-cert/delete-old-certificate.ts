/** Task "Delete old certificate": only one no stage of any API presents. */
import * as z from '../../src/zod';
import { apiGatewayClient } from '../../src/aws/clients';
import { deleteOldCertificates } from '../../src/apigateway/rotation';
import { certificateIdsField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({
  config: configField,
  oldCertificateIds: certificateIdsField,
  /** The old certificates step 5 found still presented, and by which stages (it checked every API). */
  keptInUse: z.array(z.object({ clientCertificateId: z.string(), usedBy: z.array(z.string()) })),
});

export const handler = stepHandler(
  event,
  ({ oldCertificateIds, keptInUse }, deps) => deleteOldCertificates(deps, oldCertificateIds, keptInUse),
  { apiGateway: apiGatewayClient },
);
