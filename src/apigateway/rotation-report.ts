/**
 * What a client-certificate rotation tells people: its target and the facts of its success (the
 * messages themselves are src/rotation/report.ts). Which state failed is found from rotation-steps.ts.
 */
import { notifyRotationSucceeded, type NotifiedRotation, type ReportedTarget } from '../rotation/report';
import type { NotifyDeps } from '../notify/slack';
import { restApiIdField } from './target-id';

export const REPORTED_TARGET: ReportedTarget<'restApiId'> = {
  workflow: 'rotate-apigw-client-cert',
  idField: 'restApiId',
  idSchema: restApiIdField,
  describe: (id) => `REST API ${id}`,
};

export interface RotatedSummary {
  executionName: string;
  executionArn?: string;
  restApiId: string;
  slackWebhookSecretId?: string;
  stageNames: string[];
  newCertificateId: string;
  newExpirationDate: string;
  oldCertificateIds: string[];
  deleted: string[];
  kept: { clientCertificateId: string; usedBy: string[] }[];
  rotation?: NotifiedRotation;
}

export async function notifyRotated(deps: NotifyDeps, s: RotatedSummary): Promise<{ notified: boolean }> {
  const keptText = s.kept.map((k) => `${k.clientCertificateId} kept: still used by ${k.usedBy.join(', ')}`);
  return notifyRotationSucceeded(deps, REPORTED_TARGET, {
    ...s,
    targetId: s.restApiId,
    facts: {
      'Stages switched': s.stageNames.join(', ') || 'none',
      'New certificate': s.newCertificateId,
      'New certificate expires': s.newExpirationDate,
      'Old certificate': s.oldCertificateIds.join(', ') || 'none',
      'Old certificate outcome': [...s.deleted.map((id) => `${id} deleted`), ...keptText].join('; ') || 'nothing to delete',
    },
  });
}
