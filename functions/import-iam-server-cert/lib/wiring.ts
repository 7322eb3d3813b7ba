/**
 * What import-iam-server-cert's steps receive (src/lambda/step-handler.ts does the rest): its
 * collaborators, built once per container, and the certificate name on every log line.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { iamClient, secretsManagerClient } from '../../../src/aws/clients';
import { notifyCollaborators, now } from '../../../src/lambda/runtime';
import { once, stepHandlerFor } from '../../../src/lambda/step-handler';
import type { NotifyDeps } from '../../../src/notify/slack';

export interface ImportCollaborators extends NotifyDeps {
  iam: Pick<IAMClient, 'send'>;
  now: () => Date;
}

export const collaborators = once((): ImportCollaborators => ({ iam: iamClient(), ...notifyCollaborators(secretsManagerClient()), now }));

export const stepHandler = stepHandlerFor({
  collaborators,
  logKeys: ({ serverCertificateName }: { serverCertificateName?: unknown }) =>
    typeof serverCertificateName === 'string' ? { serverCertificateName } : {},
});
