/** Task "Delete old certificate": only one no stage of any API presents. */
import * as z from '../../src/zod';
import { apiGatewayClient } from '../../src/aws/clients';
import { deleteOldCertificates } from '../../src/apigateway/rotation';
import { certificateIdsField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, oldCertificateIds: certificateIdsField });

export const handler = stepHandler(
  event,
  ({ oldCertificateIds }, deps) => deleteOldCertificates(deps, oldCertificateIds),
  { apiGateway: apiGatewayClient },
);
