/**
 * What a CloudFront key rotation tells people: its target and the facts of its success (the
 * messages themselves are src/rotation/report.ts). Which state failed is found from rotation-steps.ts.
 */
import { notifyRotationSucceeded, type NotifiedRotation, type ReportedTarget } from '../rotation/report';
import type { NotifyDeps } from '../notify/slack';
import { keyGroupIdField } from './target-id';

export const REPORTED_TARGET: ReportedTarget<'keyGroupId'> = {
  workflow: 'rotate-cloudfront-key',
  idField: 'keyGroupId',
  idSchema: keyGroupIdField,
  describe: (id) => `key group ${id}`,
};

export interface RotatedSummary {
  executionName: string;
  executionArn?: string;
  keyGroupId: string;
  slackWebhookSecretId?: string;
  newPublicKeyId: string;
  oldPublicKeyId: string | null;
  oldKeyOutcome: string;
  retiredAt: string | null;
  rotation?: NotifiedRotation;
}

export async function notifyRotated(deps: NotifyDeps, summary: RotatedSummary): Promise<{ notified: boolean }> {
  return notifyRotationSucceeded(deps, REPORTED_TARGET, {
    ...summary,
    targetId: summary.keyGroupId,
    facts: {
      'New key': summary.newPublicKeyId,
      'Old key': summary.oldPublicKeyId ?? 'none named by the secret',
      'Old key outcome': summary.oldKeyOutcome,
      'Old key retired at': summary.retiredAt ?? 'not retired',
    },
  });
}
