/** Task "Generate new client certificate": takes the trust store's lock, checks the quota, generates. */
import * as z from '../../src/zod';
import { apiGatewayClient, secretsManagerClient } from '../../src/aws/clients';
import { generateNewCertificate } from '../../src/apigateway/rotation';
import { certificateIdsField, knownField, stageNamesField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, stageNames: stageNamesField, oldCertificateIds: certificateIdsField, known: knownField });

export const handler = stepHandler(event, ({ config, stageNames, oldCertificateIds, known }, deps) =>
  generateNewCertificate(deps, config, { stageNames, oldCertificateIds }, known),
  { apiGateway: apiGatewayClient, secrets: secretsManagerClient },
);
