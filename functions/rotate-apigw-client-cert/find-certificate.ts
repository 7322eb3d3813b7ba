/** Task "Find the certificate the stages use": validates the workflow input (the edge) and assesses. */
import * as z from '../../src/zod';
import { apiGatewayClient, secretsManagerClient } from '../../src/aws/clients';
import { findCertificateInUse, rotationPlanOf } from '../../src/apigateway/rotation';
import { parseRotationInput } from '../../src/apigateway/rotation-config';
import { stepHandler } from './lib/step-handler';

const event = z.object({ input: z.unknown(), executionName: z.string().check(z.minLength(1)) });

export const handler = stepHandler(event, async ({ input, executionName }, deps) => {
  const config = parseRotationInput(input, executionName);
  const assessment = await findCertificateInUse(deps, config);
  return { config, assessment, ...(config.dryRun && { plan: await rotationPlanOf(deps, config, assessment) }) };
}, { apiGateway: apiGatewayClient, secrets: secretsManagerClient });
