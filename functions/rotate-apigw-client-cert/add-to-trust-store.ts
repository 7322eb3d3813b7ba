/** Task "Add new certificate to trust store". */
import * as z from '../../src/zod';
import { apiGatewayClient, secretsManagerClient } from '../../src/aws/clients';
import { addNewCertificateToTrustStore } from '../../src/apigateway/rotation';
import { certificateIdField, certificateIdsField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, clientCertificateId: certificateIdField, oldCertificateIds: certificateIdsField });

export const handler = stepHandler(
  event,
  ({ config, clientCertificateId, oldCertificateIds }, deps) => addNewCertificateToTrustStore(deps, config, clientCertificateId, oldCertificateIds),
  { apiGateway: apiGatewayClient, secrets: secretsManagerClient },
);
