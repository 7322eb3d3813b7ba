/**
 * The wiring every rotate-cloudfront-key handler shares: validate the event with a schema, put
 * the Lambda context and the rotation on every log line, build the collaborators once per
 * container, and call one domain function. Errors propagate as thrown (their `name` is what the
 * state machine's Retry/Catch match).
 */
import { z } from 'zod';
import { cloudFrontClient, secretsManagerClient } from '../../../src/aws/clients';
import { rotationConfigSchema, toInvalidInput, type RotationConfig } from '../../../src/cloudfront/rotation-config';
import type { RotationDeps } from '../../../src/cloudfront/rotation';
import { logger } from '../../../src/logger';

type LambdaContext = Parameters<typeof logger.addContext>[0];

let deps: RotationDeps | undefined;

/** Built lazily so the endpoint and region come from the environment at first invocation. */
export function collaborators(): RotationDeps {
  deps ??= {
    cloudFront: cloudFrontClient(),
    secrets: secretsManagerClient(),
    log: logger,
    now: () => new Date(),
    fetch: (url, init) => fetch(url, init),
  };
  return deps;
}

export const configField = rotationConfigSchema as unknown as z.ZodType<RotationConfig>;

export function stepHandler<S extends z.ZodType, R>(schema: S, run: (event: z.infer<S>, deps: RotationDeps) => Promise<R>) {
  return async (event: unknown, context?: LambdaContext): Promise<R> => {
    if (context) logger.addContext(context);
    const parsed = schema.safeParse(event);
    if (!parsed.success) throw toInvalidInput(parsed.error);
    const config = (parsed.data as { config?: RotationConfig }).config;
    const keys = { rotationId: config?.rotationId, keyGroupId: config?.keyGroupId };
    logger.appendKeys(keys);
    try {
      return await run(parsed.data, collaborators());
    } finally {
      logger.removeKeys(Object.keys(keys));
    }
  };
}
