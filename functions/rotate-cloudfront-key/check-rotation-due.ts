/** Task "Check whether the key is due": validates the workflow input (the edge) and assesses. */
import * as z from '../../src/zod';
import { cloudFrontClient, secretsManagerClient } from '../../src/aws/clients';
import { checkRotationDue, rotationPlan } from '../../src/cloudfront/rotation';
import { parseRotationInput } from '../../src/cloudfront/rotation-config';
import { stepHandler } from './lib/step-handler';

const event = z.object({ input: z.unknown(), executionName: z.string().check(z.minLength(1)) });

export const handler = stepHandler(event, async ({ input, executionName }, deps) => {
  const config = parseRotationInput(input, executionName);
  const assessment = await checkRotationDue(deps, config);
  return { config: { ...config, attempt: assessment.attempt }, assessment, ...(config.dryRun && { plan: rotationPlan(config, assessment) }) };
}, { cloudFront: cloudFrontClient, secrets: secretsManagerClient });
