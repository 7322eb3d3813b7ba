/** Task "Remove old certificate from trust store" (after the wait); releases the lock. */
import * as z from '../../src/zod';
import { apiGatewayClient, secretsManagerClient } from '../../src/aws/clients';
import { removeOldCertificatesFromTrustStore } from '../../src/apigateway/rotation';
import { certificateIdField, certificateIdsField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, oldCertificateIds: certificateIdsField, newCertificateId: certificateIdField });

export const handler = stepHandler(event, ({ config, oldCertificateIds, newCertificateId }, deps) =>
  removeOldCertificatesFromTrustStore(deps, config, oldCertificateIds, newCertificateId),
  { apiGateway: apiGatewayClient, secrets: secretsManagerClient },
);
