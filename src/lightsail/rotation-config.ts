/**
 * The input of `rotate-lightsail-bucket-key`: its own fields; the ones every rotation takes, and
 * the rules of both, are src/rotation/config.ts.
 */
import * as z from '../zod';
import { maxKeyAgeDaysField, rotationSchemas } from '../rotation/config';
import { secretNameField } from '../validation';

/** A Lightsail bucket name, as the input takes it and as a secret records it (access-key-secret.ts). */
export const bucketNameField = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,52}[a-z0-9]$/, 'must be a Lightsail bucket name (3-54 lower-case letters, digits, -)'));

const schemas = rotationSchemas(
  {
    bucketName: bucketNameField,
    secretId: secretNameField(),
    maxKeyAgeDays: maxKeyAgeDaysField,
  },
  { graceSecondsDefault: 86_400 },
);

export const rotationInputSchema = schemas.input;
export type RotationInput = z.input<typeof rotationInputSchema>;
/** The config every state after the first receives (`$.config`). */
export const rotationConfigSchema = schemas.config;
export type RotationConfig = z.output<typeof rotationConfigSchema>;
/** Every field the input may hold, listed when an unknown one is found. */
export const ROTATION_INPUT_FIELDS = schemas.fields;
export const parseRotationInput = schemas.parse;
