/** Task "Undo the unfinished rotation": the compensation every failure after the first step goes through. */
import * as z from '../../src/zod';
import { cloudFrontClient, secretsManagerClient } from '../../src/aws/clients';
import { undoRotation } from '../../src/cloudfront/rotation';
import { STEP_RESULTS } from '../../src/cloudfront/rotation-steps';
import { failureField } from '../../src/lambda/failure-fields';
import { describeFailure, failedStateOf } from '../../src/notify/caught-failure';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, failure: failureField, progress: z.record(z.string(), z.unknown()) });

export const handler = stepHandler(event, async ({ config, failure, progress }, deps) => ({
  failedState: failedStateOf(STEP_RESULTS, progress),
  error: describeFailure(failure),
  ...(await undoRotation(deps, config)),
}), { cloudFront: cloudFrontClient, secrets: secretsManagerClient });
