/** Task "Undo the unfinished rotation": the compensation every failure after the first step goes through. */
import { apiGatewayClient, secretsManagerClient } from '../../src/aws/clients';
import { undoAdapter } from '../../src/apigateway/rotation';
import { STEP_RESULTS } from '../../src/apigateway/rotation-steps';
import { undoEvent } from '../../src/lambda/failure-fields';
import { compensate, undoRotation } from '../../src/rotation/undo';
import { stageNamesField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

export const handler = stepHandler(undoEvent({ config: configField, stageNames: stageNamesField }), (event, deps) => {
  const { target, lock } = undoAdapter(deps, event.config, event.stageNames);
  return compensate(STEP_RESULTS, event, undoRotation(target, lock, deps.log), deps);
}, { apiGateway: apiGatewayClient, secrets: secretsManagerClient });
