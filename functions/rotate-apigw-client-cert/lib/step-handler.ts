/**
 * What rotate-apigw-client-cert's steps receive (src/lambda/step-handler.ts does the rest): its
 * collaborators, and the rotation on every log line.
 */
import { apiGatewayClient, secretsManagerClient } from '../../../src/aws/clients';
import { ROTATION_INPUT_FIELDS, rotationConfigSchema, type RotationConfig } from '../../../src/apigateway/rotation-config';
import type { RotationDeps } from '../../../src/apigateway/rotation';
import { now } from '../../../src/lambda/runtime';
import { once, stepHandlerFor } from '../../../src/lambda/step-handler';
import { logger } from '../../../src/logger';

export const collaborators = once((): RotationDeps => ({ apiGateway: apiGatewayClient(), secrets: secretsManagerClient(), log: logger, now }));

export const configField = rotationConfigSchema;

export const stepHandler = stepHandlerFor({
  collaborators,
  logKeys: ({ config }: { config?: RotationConfig }) => ({ rotationId: config?.rotationId, restApiId: config?.restApiId }),
  allowedFields: ROTATION_INPUT_FIELDS,
});
