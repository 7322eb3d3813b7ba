/**
 * What import-iam-server-cert's steps receive (src/lambda/step-handler.ts does the rest): its
 * collaborators, the AWS clients each handler names, and the certificate name on every log line.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { webhookUrlPrefixes } from '../../../src/config/function-environment';
import { httpFetch, now, sleep } from '../../../src/lambda/runtime';
import { stepHandlerFor } from '../../../src/lambda/step-handler';
import { logger } from '../../../src/logger';
import type { NotifyDeps } from '../../../src/notify/slack';

export interface ImportCollaborators extends NotifyDeps {
  iam: Pick<IAMClient, 'send'>;
  now: () => Date;
}

type Clients = Pick<ImportCollaborators, 'iam' | 'secrets'>;

export const stepHandler = stepHandlerFor<ImportCollaborators, Clients, { serverCertificateName?: unknown; input?: unknown }>({
  collaborators: () => ({ fetch: httpFetch, sleep, log: logger, now, webhookUrlPrefixes: webhookUrlPrefixes() }),
  clients: ['iam', 'secrets'],
  logKeys: ({ serverCertificateName, input }) => {
    // The first step's event holds the workflow input; later steps name the certificate themselves.
    const name = serverCertificateName ?? (typeof input === 'object' && input !== null ? (input as { serverCertificateName?: unknown }).serverCertificateName : undefined);
    return typeof name === 'string' ? { serverCertificateName: name } : {};
  },
});
