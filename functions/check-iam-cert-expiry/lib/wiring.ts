/**
 * What check-iam-cert-expiry's steps receive (src/lambda/step-handler.ts does the rest): its
 * collaborators, built once per container.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { IAMClient } from '@aws-sdk/client-iam';
import { iamClient, secretsManagerClient } from '../../../src/aws/clients';
import { DEFAULT_MEMORY_SECRET_ID } from '../../../src/iam/threshold-memory';
import { notifyCollaborators, now } from '../../../src/lambda/runtime';
import { once, stepHandlerFor } from '../../../src/lambda/step-handler';
import type { NotifyDeps } from '../../../src/notify/slack';

export interface CheckCollaborators extends NotifyDeps {
  iam: Pick<IAMClient, 'send'>;
  metrics: Metrics;
  now: () => Date;
  /** The JSON secret holding the thresholds seen by the last run (see src/iam/threshold-memory.ts). */
  memorySecretId: string;
  /** Region for console links. */
  region: string;
}

export const collaborators = once(
  (): CheckCollaborators => ({
    iam: iamClient(),
    ...notifyCollaborators(secretsManagerClient()),
    metrics: new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'keyturn', serviceName: 'check-iam-cert-expiry' }),
    now,
    memorySecretId: process.env.KEYTURN_EXPIRY_MEMORY_SECRET_ID ?? DEFAULT_MEMORY_SECRET_ID,
    region: process.env.AWS_REGION ?? 'us-east-1',
  }),
);

export const stepHandler = stepHandlerFor({ collaborators });
