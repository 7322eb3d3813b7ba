/**
 * The input schema each workflow exports, so a target's `input` is checked by the same schema the
 * workflow's first state applies. test/config.test.ts checks every workflow of this project is
 * listed; a workflow missing here (the runner's test fixtures) gets a generic check only: its
 * input must be a JSON object.
 */
import type * as z from '../zod';
import { rotationInputSchema as apiGatewayInput } from '../apigateway/rotation-config';
import { rotationInputSchema as cloudFrontInput } from '../cloudfront/rotation-config';
import { expiryCheckInputSchema, importInputSchema } from '../iam/workflow-inputs';
import { rotationInputSchema as lightsailInput } from '../lightsail/rotation-config';

export const workflowInputSchemas: Readonly<Record<string, z.core.$ZodType>> = {
  'rotate-cloudfront-key': cloudFrontInput,
  'rotate-apigw-client-cert': apiGatewayInput,
  'rotate-lightsail-bucket-key': lightsailInput,
  'check-iam-cert-expiry': expiryCheckInputSchema,
  'import-iam-server-cert': importInputSchema,
};

/** Whether the workflow's input declares `field` (so a global default may be filled in). */
export function inputDeclares(schema: z.core.$ZodType, field: string): boolean {
  return field in inputShape(schema);
}

/**
 * The fields an object schema declares (none for any other schema). Read from `z.core`'s
 * definition, which zod/mini and classic zod schemas share.
 */
export function inputShape(schema: z.core.$ZodType): Readonly<Record<string, z.core.$ZodType>> {
  const def = schema._zod.def;
  return def.type === 'object' ? (def as z.core.$ZodObjectDef).shape : {};
}
