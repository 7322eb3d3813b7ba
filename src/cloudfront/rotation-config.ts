/**
 * The input of `rotate-cloudfront-key`: its own fields; the ones every rotation takes, and the
 * rules of both, are src/rotation/config.ts.
 */
import * as z from '../zod';
import { maxKeyAgeDaysField, rotationSchemas } from '../rotation/config';
import { secretNameField } from '../validation';
import { keyGroupIdField } from './target-id';
import { ALGORITHMS } from './key-pair';


const schemas = rotationSchemas(
  {
    keyGroupId: keyGroupIdField,
    secretId: secretNameField(),
    maxKeyAgeDays: maxKeyAgeDaysField,
    algorithm: z._default(z.enum(ALGORITHMS), 'RSA_2048'),
    testUrlBase: z.optional(z.url({ protocol: /^https?$/ }).check(z.maxLength(2048, 'must be at most 2048 characters'))),
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
