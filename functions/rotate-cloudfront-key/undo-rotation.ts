/** Task "Undo the unfinished rotation": the compensation every failure after the first step goes through. */
import { z } from 'zod';
import { undoRotation } from '../../src/cloudfront/rotation';
import { describeFailure, failedStateOf } from '../../src/cloudfront/rotation-report';
import { configField, stepHandler } from './lib/step-handler';
import { failureField } from './lib/fields';

const event = z.object({ config: configField, failure: failureField, progress: z.record(z.string(), z.unknown()) });

export const handler = stepHandler(event, async ({ config, failure, progress }, deps) => ({
  failedState: failedStateOf(progress),
  error: describeFailure(failure),
  ...(await undoRotation(deps, config)),
}));
