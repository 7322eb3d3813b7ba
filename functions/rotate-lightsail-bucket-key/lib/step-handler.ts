/**
 * What rotate-lightsail-bucket-key's steps receive (src/lambda/step-handler.ts does the rest): its
 * collaborators, and the rotation on every log line.
 */
import { clientSettings, lightsailClient, s3BucketClient, secretsManagerClient } from '../../../src/aws/clients';
import { ROTATION_INPUT_FIELDS, rotationConfigSchema, type RotationConfig } from '../../../src/lightsail/rotation-config';
import type { RotationDeps } from '../../../src/lightsail/rotation';
import { now } from '../../../src/lambda/runtime';
import { once, stepHandlerFor } from '../../../src/lambda/step-handler';
import { logger } from '../../../src/logger';

export const collaborators = once(
  (): RotationDeps => ({
    lightsail: lightsailClient(),
    secrets: secretsManagerClient(),
    s3For: (options) => s3BucketClient(options),
    region: clientSettings().region,
    log: logger,
    now,
  }),
);

export const configField = rotationConfigSchema;

export const stepHandler = stepHandlerFor({
  collaborators,
  logKeys: ({ config }: { config?: RotationConfig }) => ({ rotationId: config?.rotationId, bucketName: config?.bucketName }),
  allowedFields: ROTATION_INPUT_FIELDS,
});
