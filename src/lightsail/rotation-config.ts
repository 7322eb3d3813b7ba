/**
 * The input of `rotate-lightsail-bucket-key`: its own fields; the ones every rotation takes, and
 * the rules of both, are src/rotation/config.ts.
 */
import * as z from '../zod';
import { maxKeyAgeDaysField, rotationSchemas } from '../rotation/config';
import { secretNameField } from '../validation';
import { bucketNameField } from './target-id';


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
