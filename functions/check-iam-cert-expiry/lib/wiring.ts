/**
 * What every check-iam-cert-expiry handler shares: collaborators built once per container (so
 * endpoint and region come from the environment at first use), and a wrapper that puts the
 * Lambda context on every log line. Errors propagate as thrown: their `name` is what the state
 * machine's Retry/Catch match.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { IAMClient } from '@aws-sdk/client-iam';
import { iamClient, secretsManagerClient } from '../../../src/aws/clients';
import { DEFAULT_MEMORY_SECRET_ID } from '../../../src/iam/threshold-memory';
import { logger, type Log } from '../../../src/logger';
import type { HttpPost } from '../../../src/notify/slack';
import type { SecretsClient } from '../../../src/secrets/credential-store';

type LambdaContext = Parameters<typeof logger.addContext>[0];

export interface CheckCollaborators {
  iam: Pick<IAMClient, 'send'>;
  secrets: SecretsClient;
  metrics: Metrics;
  log: Log;
  now: () => Date;
  fetch: HttpPost;
  sleep: (ms: number) => Promise<void>;
  /** The JSON secret holding the thresholds seen by the last run (see src/iam/threshold-memory.ts). */
  memorySecretId: string;
  /** Region for console links. */
  region: string;
}

let built: CheckCollaborators | undefined;

export function collaborators(): CheckCollaborators {
  built ??= {
    iam: iamClient(),
    secrets: secretsManagerClient(),
    metrics: new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'keyturn', serviceName: 'check-iam-cert-expiry' }),
    log: logger,
    now: () => new Date(),
    fetch: (url, init) => fetch(url, init),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    memorySecretId: process.env.KEYTURN_EXPIRY_MEMORY_SECRET_ID ?? DEFAULT_MEMORY_SECRET_ID,
    region: process.env.AWS_REGION ?? 'us-east-1',
  };
  return built;
}

export function stepHandler<R>(run: (event: unknown, deps: CheckCollaborators) => Promise<R>) {
  return async (event: unknown, context?: LambdaContext): Promise<R> => {
    if (context) logger.addContext(context);
    return run(event, collaborators());
  };
}
