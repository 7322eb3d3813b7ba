/**
 * What check-iam-cert-expiry's steps receive (src/lambda/step-handler.ts does the rest): its
 * collaborators, and the AWS clients (and metrics) each handler names.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { IAMClient } from '@aws-sdk/client-iam';
import { DEFAULT_EXPIRY_METRICS_NAMESPACE, EXPIRY_METRICS_SERVICE } from '../../../src/iam/expiry-metrics';
import { DEFAULT_MEMORY_SECRET_ID } from '../../../src/iam/threshold-memory';
import { webhookUrlPrefixes } from '../../../src/config/function-environment';
import { httpFetch, now, sleep } from '../../../src/lambda/runtime';
import { stepHandlerFor } from '../../../src/lambda/step-handler';
import { logger } from '../../../src/logger';
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

/** Named like a client by the one step that emits metrics, so the others leave Powertools Metrics out. */
export const expiryMetrics = (): Metrics =>
  new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_EXPIRY_METRICS_NAMESPACE, serviceName: EXPIRY_METRICS_SERVICE });

export const stepHandler = stepHandlerFor<CheckCollaborators, Pick<CheckCollaborators, 'iam' | 'secrets' | 'metrics'>>({
  collaborators: ({ region }) => ({
    fetch: httpFetch,
    sleep,
    log: logger,
    now,
    memorySecretId: process.env.KEYTURN_EXPIRY_MEMORY_SECRET_ID ?? DEFAULT_MEMORY_SECRET_ID,
    region,
    webhookUrlPrefixes: webhookUrlPrefixes(),
  }),
  clients: ['iam', 'secrets', 'metrics'],
});
