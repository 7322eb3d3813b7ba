/**
 * The wiring every rotate-apigw-client-cert handler shares: validate the event with a schema,
 * put the Lambda context and the rotation on every log line, build the collaborators once per
 * container, call one domain function. Errors propagate as thrown (their `name` is what the
 * state machine's Retry/Catch match).
 */
import type { z } from 'zod';
import { apiGatewayClient, secretsManagerClient } from '../../../src/aws/clients';
import { rotationConfigSchema, toInvalidInput, type RotationConfig } from '../../../src/apigateway/rotation-config';
import type { RotationDeps } from '../../../src/apigateway/rotation';
import { logger } from '../../../src/logger';

type LambdaContext = Parameters<typeof logger.addContext>[0];

let deps: RotationDeps | undefined;

/** Built lazily so the endpoint and region come from the environment at first invocation. */
export function collaborators(): RotationDeps {
  deps ??= { apiGateway: apiGatewayClient(), secrets: secretsManagerClient(), log: logger, now: () => new Date() };
  return deps;
}

export const configField = rotationConfigSchema;

export function stepHandler<S extends z.ZodType, R>(schema: S, run: (event: z.infer<S>, deps: RotationDeps) => Promise<R>) {
  return async (event: unknown, context?: LambdaContext): Promise<R> => {
    if (context) logger.addContext(context);
    const parsed = schema.safeParse(event);
    if (!parsed.success) throw toInvalidInput(parsed.error);
    const config = (parsed.data as { config?: RotationConfig }).config;
    const keys = { rotationId: config?.rotationId, restApiId: config?.restApiId };
    logger.appendKeys(keys);
    try {
      return await run(parsed.data, collaborators());
    } finally {
      logger.removeKeys(Object.keys(keys));
    }
  };
}
