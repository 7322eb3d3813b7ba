/**
 * What every import-iam-server-cert handler shares: collaborators built once per container,
 * and a wrapper that puts the Lambda context and the certificate name on every log line.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { iamClient, secretsManagerClient } from '../../../src/aws/clients';
import { logger, type Log } from '../../../src/logger';
import type { HttpPost } from '../../../src/notify/slack';
import type { SecretsClient } from '../../../src/secrets/credential-store';

type LambdaContext = Parameters<typeof logger.addContext>[0];

export interface ImportCollaborators {
  iam: Pick<IAMClient, 'send'>;
  secrets: SecretsClient;
  log: Log;
  now: () => Date;
  fetch: HttpPost;
  sleep: (ms: number) => Promise<void>;
}

let built: ImportCollaborators | undefined;

export function collaborators(): ImportCollaborators {
  built ??= {
    iam: iamClient(),
    secrets: secretsManagerClient(),
    log: logger,
    now: () => new Date(),
    fetch: (url, init) => fetch(url, init),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  return built;
}

export function stepHandler<R>(run: (event: unknown, deps: ImportCollaborators) => Promise<R>) {
  return async (event: unknown, context?: LambdaContext): Promise<R> => {
    if (context) logger.addContext(context);
    const name = (event as { serverCertificateName?: unknown } | null)?.serverCertificateName;
    const keys = typeof name === 'string' ? { serverCertificateName: name } : {};
    logger.appendKeys(keys);
    try {
      return await run(event, collaborators());
    } finally {
      logger.removeKeys(Object.keys(keys));
    }
  };
}
