/** Task "Undo the unfinished rotation": the compensation every failure after the first step goes through. */
import { lightsailClient, secretsManagerClient } from '../../src/aws/clients';
import { undoEvent } from '../../src/lambda/failure-fields';
import { undoAdapter } from '../../src/lightsail/rotation';
import { STEP_RESULTS } from '../../src/lightsail/rotation-steps';
import { compensate, undoRotation } from '../../src/rotation/undo';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(undoEvent({ config: configField }), (event, deps) => {
  const { target, lock } = undoAdapter(deps, event.config);
  return compensate(STEP_RESULTS, event, undoRotation(target, lock, deps.log), deps);
}, { lightsail: lightsailClient, secrets: secretsManagerClient });
