/**
 * What a client-certificate rotation tells people: the Slack messages at the end of a run, and
 * which state failed (states run in this order, each adding its result to the state, so the
 * failed one is the first after the last result present).
 */
import { describeFailure, type NotifyDeps } from '../cloudfront/rotation-report';
import { rotationFailedMessage, rotationSucceededMessage } from '../notify/rotation-messages';
import { postSlackMessage, readWebhookUrl } from '../notify/slack';

export { describeFailure, type NotifyDeps };

export const WORKFLOW = 'rotate-apigw-client-cert';

/** [state name, the field its result lands in], in execution order. */
export const STEP_RESULTS: ReadonlyArray<readonly [string, string]> = [
  ['Find the certificate the stages use', 'assessment'],
  ['Generate new client certificate', 'newCertificate'],
  ['Add new certificate to trust store', 'trustStore'],
  ['Switch stages to the new certificate', 'switch'],
  ['Remove old certificate from trust store', 'retirement'],
  ['Delete old certificate', 'deletion'],
];

export function failedStateOf(progress: Record<string, unknown>): string {
  let last = -1;
  STEP_RESULTS.forEach(([, field], index) => {
    if (progress[field] !== undefined && progress[field] !== null) last = index;
  });
  return STEP_RESULTS[Math.min(last + 1, STEP_RESULTS.length - 1)]?.[0] ?? 'unknown';
}

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
}

const target = (restApiId: string) => `REST API ${restApiId}`;

export async function notifyRotated(deps: NotifyDeps, s: RotatedSummary): Promise<{ notified: boolean }> {
  if (!s.slackWebhookSecretId) return { notified: false };
  const url = await readWebhookUrl(deps.secrets, s.slackWebhookSecretId);
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
  await postSlackMessage(url, message, deps);
  return { notified: true };
}

export interface FailureReport {
  executionName: string;
  restApiId: string;
  slackWebhookSecretId?: string;
  failedState: string;
  error: { name: string; message: string };
  undone: string[];
  kept: string[];
}

export async function notifyFailed(deps: NotifyDeps, r: FailureReport): Promise<{ notified: boolean }> {
  if (!r.slackWebhookSecretId) return { notified: false };
  const url = await readWebhookUrl(deps.secrets, r.slackWebhookSecretId);
  await postSlackMessage(url, rotationFailedMessage({ workflow: WORKFLOW, target: target(r.restApiId), ...r }), deps);
  return { notified: true };
}
