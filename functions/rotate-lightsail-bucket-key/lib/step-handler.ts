/**
 * What rotate-lightsail-bucket-key's steps receive (src/lambda/step-handler.ts does the rest): its
 * collaborators, the AWS clients each handler names, and the rotation on every log line.
 */
import { ROTATION_INPUT_FIELDS, rotationConfigSchema, type RotationConfig } from '../../../src/lightsail/rotation-config';
import type { RotationDeps } from '../../../src/lightsail/rotation';
import { now } from '../../../src/lambda/runtime';
import { stepHandlerFor } from '../../../src/lambda/step-handler';
import { logger } from '../../../src/logger';

/** The clients a step may name: `s3For` builds an S3 client per bucket access key (only the key test uses it). */
type Clients = Pick<RotationDeps, 'lightsail' | 'secrets' | 's3For'>;

export const configField = rotationConfigSchema;

export const stepHandler = stepHandlerFor<RotationDeps, Clients, { config?: RotationConfig }>({
  collaborators: ({ region }) => ({ region, log: logger, now }),
  clients: ['lightsail', 'secrets', 's3For'],
  logKeys: ({ config }) => ({ rotationId: config?.rotationId, bucketName: config?.bucketName }),
  allowedFields: ROTATION_INPUT_FIELDS,
});
