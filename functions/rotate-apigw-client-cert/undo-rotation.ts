/** Task "Undo the unfinished rotation": the compensation every failure after the first step goes through. */
import { z } from 'zod';
import { undoRotation } from '../../src/apigateway/rotation';
import { describeFailure, failedStateOf } from '../../src/apigateway/rotation-report';
import { failureField } from '../rotate-cloudfront-key/lib/fields';
import { stageNamesField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, stageNames: stageNamesField, failure: failureField, progress: z.record(z.string(), z.unknown()) });

export const handler = stepHandler(event, async ({ config, stageNames, failure, progress }, deps) => ({
  failedState: failedStateOf(progress),
  error: describeFailure(failure),
  ...(await undoRotation(deps, config, stageNames)),
}));
