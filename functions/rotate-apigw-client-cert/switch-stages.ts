/** Task "Switch stages to the new certificate": UpdateStage on each, verified by its answer. */
import * as z from '../../src/zod';
import { apiGatewayClient, secretsManagerClient } from '../../src/aws/clients';
import { switchStages } from '../../src/apigateway/rotation';
import { certificateIdField, stageNamesField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, stageNames: stageNamesField, clientCertificateId: certificateIdField });

export const handler = stepHandler(
  event,
  ({ config, stageNames, clientCertificateId }, deps) => switchStages(deps, config, stageNames, clientCertificateId),
  { apiGateway: apiGatewayClient, secrets: secretsManagerClient },
);
