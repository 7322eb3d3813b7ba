/**
 * What rotate-cloudfront-key's steps receive (src/lambda/step-handler.ts does the rest): its
 * collaborators, the AWS clients each handler names, and the rotation on every log line.
 */
import { ROTATION_INPUT_FIELDS, rotationConfigSchema, type RotationConfig } from '../../../src/cloudfront/rotation-config';
import type { RotationDeps } from '../../../src/cloudfront/rotation';
import { httpFetch, now } from '../../../src/lambda/runtime';
import { stepHandlerFor } from '../../../src/lambda/step-handler';
import { logger } from '../../../src/logger';

/** `$.config` as every state after the first receives it. */
export const configField = rotationConfigSchema;

export const stepHandler = stepHandlerFor<RotationDeps, Pick<RotationDeps, 'cloudFront' | 'secrets'>, { config?: RotationConfig }>({
  collaborators: () => ({ log: logger, now, fetch: httpFetch }),
  clients: ['cloudFront', 'secrets'],
  logKeys: ({ config }) => ({ rotationId: config?.rotationId, keyGroupId: config?.keyGroupId }),
  allowedFields: ROTATION_INPUT_FIELDS,
});
