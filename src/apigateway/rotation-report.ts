/**
 * What a client-certificate rotation tells people: the Slack messages at the end of a run.
 * Which state failed is found from rotation-steps.ts.
 */
import { rotationFailedMessage, rotationSucceededMessage, type RotationFailureReport } from '../notify/rotation-messages';
import { notifySlack, notifySlackOnce, type NotifyDeps } from '../notify/slack';

export const WORKFLOW = 'rotate-apigw-client-cert';

export interface RotatedSummary {
  executionName: string;
  restApiId: string;
  slackWebhookSecretId?: string;
  stageNames: string[];
  newCertificateId: string;
  newExpirationDate: string;
  oldCertificateIds: string[];
  deleted: string[];
  kept: { clientCertificateId: string; usedBy: string[] }[];
  /** The rotation and its credential's secret: Slack is told of it once (notifySlackOnce), not again on a rerun. */
  rotation?: { secretId: string; rotationId: string; alreadyNotified?: boolean };
}

const target = (restApiId: string) => `REST API ${restApiId}`;

export async function notifyRotated(deps: NotifyDeps, s: RotatedSummary): Promise<{ notified: boolean }> {
  const keptText = s.kept.map((k) => `${k.clientCertificateId} kept: still used by ${k.usedBy.join(', ')}`);
  const message = rotationSucceededMessage({
    workflow: WORKFLOW,
    target: target(s.restApiId),
    executionName: s.executionName,
    facts: {
      'Stages switched': s.stageNames.join(', ') || 'none',
      'New certificate': s.newCertificateId,
      'New certificate expires': s.newExpirationDate,
      'Old certificate': s.oldCertificateIds.join(', ') || 'none',
      'Old certificate outcome': [...s.deleted.map((id) => `${id} deleted`), ...keptText].join('; ') || 'nothing to delete',
    },
  });
  return (s.rotation ? notifySlackOnce(deps, s.slackWebhookSecretId, message, s.rotation) : notifySlack(deps, s.slackWebhookSecretId, message));
}

export interface FailureReport extends RotationFailureReport {
  restApiId: string;
}

export async function notifyFailed(deps: NotifyDeps, r: FailureReport): Promise<{ notified: boolean }> {
  return notifySlack(deps, r.slackWebhookSecretId, rotationFailedMessage({ workflow: WORKFLOW, target: target(r.restApiId), ...r }));
}
