/** Task "Undo the unfinished rotation": the compensation every failure after the first step goes through. */
import { z } from 'zod';
import { describeFailure } from '../../src/cloudfront/rotation-report';
import { undoRotation } from '../../src/lightsail/rotation';
import { failedStateOf } from '../../src/lightsail/rotation-report';
import { failureField } from '../rotate-cloudfront-key/lib/fields';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, failure: failureField, progress: z.record(z.string(), z.unknown()) });

export const handler = stepHandler(event, async ({ config, failure, progress }, deps) => ({
  failedState: failedStateOf(progress),
  error: describeFailure(failure),
  ...(await undoRotation(deps, config)),
}));
