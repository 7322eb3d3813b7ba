/** Task "Undo the unfinished rotation": the compensation every failure after the first step goes through. */
import * as z from '../../src/zod';
import { lightsailClient, secretsManagerClient } from '../../src/aws/clients';
import { failureField } from '../../src/lambda/failure-fields';
import { undoRotation } from '../../src/lightsail/rotation';
import { STEP_RESULTS } from '../../src/lightsail/rotation-steps';
import { describeFailure, failedStateOf } from '../../src/notify/caught-failure';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, failure: failureField, progress: z.record(z.string(), z.unknown()) });

export const handler = stepHandler(event, async ({ config, failure, progress }, deps) => ({
  failedState: failedStateOf(STEP_RESULTS, progress),
  error: describeFailure(failure),
  ...(await undoRotation(deps, config)),
}), { lightsail: lightsailClient, secrets: secretsManagerClient });
