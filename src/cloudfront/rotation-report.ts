/**
 * What a rotation tells people: the Slack messages at the end of a run, and which state failed
 * (inferred from the results already in the state: states run in this order, each adding its
 * result, so the failed one is the first after the last result present).
 */
import type { Log } from '../logger';
import { rotationFailedMessage, rotationSucceededMessage } from '../notify/rotation-messages';
import { postSlackMessage, readWebhookUrl, type HttpPost } from '../notify/slack';
import type { SecretsClient } from '../secrets/credential-store';

export const WORKFLOW = 'rotate-cloudfront-key';

/** [state name, the field its result lands in], in execution order. */
export const STEP_RESULTS: ReadonlyArray<readonly [string, string]> = [
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

export function failedStateOf(progress: Record<string, unknown>): string {
  let last = -1;
  STEP_RESULTS.forEach(([, field], index) => {
    if (progress[field] !== undefined && progress[field] !== null) last = index;
  });
  return STEP_RESULTS[Math.min(last + 1, STEP_RESULTS.length - 1)]?.[0] ?? 'unknown';
}

/** `{ Error, Cause }` from a Catch, with Cause either Lambda's JSON or plain text. */
export function describeFailure(failure: { Error: string; Cause?: string }): { name: string; message: string } {
  let message = failure.Cause ?? '';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Plain text cause: keep it.
  }
  return { name: failure.Error, message: message.slice(0, 500) };
}

export interface NotifyDeps {
  secrets: SecretsClient;
  fetch: HttpPost;
  sleep: (ms: number) => Promise<void>;
  log: Log;
}

export interface RotatedSummary {
  executionName: string;
  keyGroupId: string;
  slackWebhookSecretId?: string;
  newPublicKeyId: string;
  oldPublicKeyId: string | null;
  oldKeyOutcome: string;
  retiredAt: string | null;
}

export async function notifyRotated(deps: NotifyDeps, summary: RotatedSummary): Promise<{ notified: boolean }> {
  if (!summary.slackWebhookSecretId) return { notified: false };
  const url = await readWebhookUrl(deps.secrets, summary.slackWebhookSecretId);
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
  await postSlackMessage(url, message, deps);
  return { notified: true };
}

export interface FailureReport {
  executionName: string;
  keyGroupId: string;
  slackWebhookSecretId?: string;
  failedState: string;
  error: { name: string; message: string };
  undone: string[];
  kept: string[];
}

export async function notifyFailed(deps: NotifyDeps, report: FailureReport): Promise<{ notified: boolean }> {
  if (!report.slackWebhookSecretId) return { notified: false };
  const url = await readWebhookUrl(deps.secrets, report.slackWebhookSecretId);
  await postSlackMessage(
    url,
    rotationFailedMessage({ workflow: WORKFLOW, target: `key group ${report.keyGroupId}`, ...report }),
    deps,
  );
  return { notified: true };
}
