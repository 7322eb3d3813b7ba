/**
 * What rotate-apigw-client-cert's steps receive (src/lambda/step-handler.ts does the rest): its
 * collaborators, the AWS clients each handler names, and the rotation on every log line.
 */
import { ROTATION_INPUT_FIELDS, rotationConfigSchema, type RotationConfig } from '../../../src/apigateway/rotation-config';
import type { RotationDeps } from '../../../src/apigateway/rotation';
import { now } from '../../../src/lambda/runtime';
import { stepHandlerFor } from '../../../src/lambda/step-handler';
import { logger } from '../../../src/logger';

export const configField = rotationConfigSchema;

export const stepHandler = stepHandlerFor<RotationDeps, Pick<RotationDeps, 'apiGateway' | 'secrets'>, { config?: RotationConfig }>({
  collaborators: () => ({ log: logger, now }),
  clients: ['apiGateway', 'secrets'],
  logKeys: ({ config }) => ({ rotationId: config?.rotationId, restApiId: config?.restApiId }),
  allowedFields: ROTATION_INPUT_FIELDS,
});
