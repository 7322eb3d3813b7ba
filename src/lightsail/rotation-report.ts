/**
 * What a bucket-key rotation tells people: the Slack message at the end of a run (an alert when
 * the old key is still in use). Which state failed is found from rotation-steps.ts.
 */
import { Blocks, Md, Message } from 'slack-block-builder';
import { rotationFailedMessage, rotationSucceededMessage, type RotationFailureReport } from '../notify/rotation-messages';
import { notifySlack, notifySlackOnce, type NotifyDeps, type SlackMessage } from '../notify/slack';
import { slackEscape as esc } from '../notify/slack-text';
import { describeLastUse, type LastUse } from './errors';

export const WORKFLOW = 'rotate-lightsail-bucket-key';

export interface RotatedSummary {
  executionName: string;
  bucketName: string;
  secretId: string;
  slackWebhookSecretId?: string;
  newAccessKeyId: string;
  oldAccessKeyId: string | null;
  oldKeyOutcome: 'deleted' | 'already-gone' | 'kept-in-use' | 'none';
  oldKeyLastUse: LastUse | null;
  promotedAt: string | null;
  /** The rotation and its credential's secret: Slack is told of it once (notifySlackOnce), not again on a rerun. */
  rotation?: { secretId: string; rotationId: string; alreadyNotified?: boolean };
}

/** The old key is kept because something used it after the promotion: say where, and what to do. */
export function oldKeyInUseMessage(s: RotatedSummary): SlackMessage {
  const lastUse = esc(describeLastUse(s.oldKeyLastUse));
  const text = `${WORKFLOW}: bucket ${esc(s.bucketName)} rotated, but old access key ${esc(s.oldAccessKeyId ?? '?')} is still in use (${lastUse})`;
  const message = Message()
    .text(text)
    .blocks(
      Blocks.Header({ text: `Old access key still in use: ${esc(s.bucketName)}`.slice(0, 150) }),
      Blocks.Section({
        text:
          `${Md.codeInline(esc(s.secretId))} now holds ${Md.codeInline(esc(s.newAccessKeyId))}. ` +
          `The old key ${Md.codeInline(esc(s.oldAccessKeyId ?? '?'))} was ${lastUse}, after the switch at ${esc(s.promotedAt ?? 'unknown')}, so it was ${Md.bold('kept')}.\n` +
          `Find what still uses it, make it read the secret's current value, then delete the old key (or rerun the rotation).`,
      }),
      Blocks.Context().elements(`execution ${esc(s.executionName)}`),
    )
    .buildToObject() as { text?: string; blocks?: unknown[] };
  return { text: message.text ?? text, blocks: message.blocks ?? [] };
}

const OUTCOMES: Record<RotatedSummary['oldKeyOutcome'], string> = {
  deleted: 'deleted after the grace period',
  'already-gone': 'already gone',
  'kept-in-use': 'kept: still in use',
  none: 'none to retire',
};

export async function notifyRotated(deps: NotifyDeps, summary: RotatedSummary): Promise<{ notified: boolean; alert: boolean }> {
  const alert = summary.oldKeyOutcome === 'kept-in-use';
  const message = alert
    ? oldKeyInUseMessage(summary)
    : rotationSucceededMessage({
        workflow: WORKFLOW,
        target: `bucket ${summary.bucketName}`,
        executionName: summary.executionName,
        facts: {
          'New access key': summary.newAccessKeyId,
          'Old access key': summary.oldAccessKeyId ?? 'none',
          'Old key outcome': OUTCOMES[summary.oldKeyOutcome],
          Secret: summary.secretId,
        },
      });
  return { ...(await (summary.rotation ? notifySlackOnce(deps, summary.slackWebhookSecretId, message, summary.rotation) : notifySlack(deps, summary.slackWebhookSecretId, message))), alert };
}

export interface FailureReport extends RotationFailureReport {
  bucketName: string;
}

export async function notifyFailed(deps: NotifyDeps, report: FailureReport): Promise<{ notified: boolean }> {
  return notifySlack(deps, report.slackWebhookSecretId, rotationFailedMessage({ workflow: WORKFLOW, target: `bucket ${report.bucketName}`, ...report }));
}
