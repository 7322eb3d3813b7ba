/**
 * What a rotation tells people: the Slack messages at the end of a run. Which state failed is
 * found from rotation-steps.ts.
 */
import { rotationFailedMessage, rotationSucceededMessage, type RotationFailureReport } from '../notify/rotation-messages';
import { notifySlack, notifySlackOnce, type NotifyDeps } from '../notify/slack';

export const WORKFLOW = 'rotate-cloudfront-key';

export interface RotatedSummary {
  executionName: string;
  keyGroupId: string;
  slackWebhookSecretId?: string;
  newPublicKeyId: string;
  oldPublicKeyId: string | null;
  oldKeyOutcome: string;
  retiredAt: string | null;
  /** The rotation and its credential's secret: Slack is told of it once (notifySlackOnce), not again on a rerun. */
  rotation?: { secretId: string; rotationId: string; alreadyNotified?: boolean };
}

export async function notifyRotated(deps: NotifyDeps, summary: RotatedSummary): Promise<{ notified: boolean }> {
  const message = rotationSucceededMessage({
    workflow: WORKFLOW,
    target: `key group ${summary.keyGroupId}`,
    executionName: summary.executionName,
    facts: {
      'New key': summary.newPublicKeyId,
      'Old key': summary.oldPublicKeyId ?? 'none named by the secret',
      'Old key outcome': summary.oldKeyOutcome,
      'Old key retired at': summary.retiredAt ?? 'not retired',
    },
  });
  return (summary.rotation ? notifySlackOnce(deps, summary.slackWebhookSecretId, message, summary.rotation) : notifySlack(deps, summary.slackWebhookSecretId, message));
}

export interface FailureReport extends RotationFailureReport {
  keyGroupId: string;
}

export async function notifyFailed(deps: NotifyDeps, report: FailureReport): Promise<{ notified: boolean }> {
  return notifySlack(deps, report.slackWebhookSecretId, rotationFailedMessage({ workflow: WORKFLOW, target: `key group ${report.keyGroupId}`, ...report }));
}
