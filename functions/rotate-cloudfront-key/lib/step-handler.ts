/**
 * What rotate-cloudfront-key's steps receive (src/lambda/step-handler.ts does the rest): its
 * collaborators, and the rotation on every log line.
 */
import type { z } from 'zod';
import { cloudFrontClient, secretsManagerClient } from '../../../src/aws/clients';
import { ROTATION_INPUT_FIELDS, rotationConfigSchema, type RotationConfig } from '../../../src/cloudfront/rotation-config';
import type { RotationDeps } from '../../../src/cloudfront/rotation';
import { httpFetch, now } from '../../../src/lambda/runtime';
import { once, stepHandlerFor } from '../../../src/lambda/step-handler';
import { logger } from '../../../src/logger';

export const collaborators = once(
  (): RotationDeps => ({ cloudFront: cloudFrontClient(), secrets: secretsManagerClient(), log: logger, now, fetch: httpFetch }),
);

export const configField = rotationConfigSchema as unknown as z.ZodType<RotationConfig>;

export const stepHandler = stepHandlerFor({
  collaborators,
  logKeys: ({ config }: { config?: RotationConfig }) => ({ rotationId: config?.rotationId, keyGroupId: config?.keyGroupId }),
  allowedFields: ROTATION_INPUT_FIELDS,
});
