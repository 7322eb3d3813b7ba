/**
 * What a rotation tells people: the Slack messages at the end of a run, and which state failed
 * (inferred from the results already in the state: states run in this order, each adding its
 * result, so the failed one is the first after the last result present).
 */
import type { StepResults } from '../notify/caught-failure';
import { rotationFailedMessage, rotationSucceededMessage, type RotationFailureReport } from '../notify/rotation-messages';
import { notifySlack, notifySlackOnce, type NotifyDeps } from '../notify/slack';

export const WORKFLOW = 'rotate-cloudfront-key';

/** In execution order: the failed state is found from these by failedStateOf (src/notify/caught-failure.ts). */
export const STEP_RESULTS: StepResults = [
  ['Check whether the key is due', 'assessment'],
  ['Make sure the key group has room', 'room'],
  ['Generate key pair and store it as pending', 'pending'],
  ['Create public key', 'newKey'],
  ['Record public key in pending secret', 'recorded'],
  ['Add new key to key group', 'added'],
  ['Test a URL signed with the new key', 'test'],
  ['Make the new key current', 'promotion'],
  ['Remove old key from key group', 'retirement'],
  ['Delete old public key', 'deletion'],
];

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
      'Old key': summary.oldPublicKeyId ?? 'none managed by keyturn',
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
