/** Task "Undo the unfinished rotation": the compensation every failure after the first step goes through. */
import { cloudFrontClient, secretsManagerClient } from '../../src/aws/clients';
import { undoAdapter } from '../../src/cloudfront/rotation';
import { STEP_RESULTS } from '../../src/cloudfront/rotation-steps';
import { undoEvent } from '../../src/lambda/failure-fields';
import { compensate, undoRotation } from '../../src/rotation/undo';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(undoEvent({ config: configField }), (event, deps) => {
  const { target, lock } = undoAdapter(deps, event.config);
  return compensate(STEP_RESULTS, event, undoRotation(target, lock, deps.log), deps);
}, { cloudFront: cloudFrontClient, secrets: secretsManagerClient });
