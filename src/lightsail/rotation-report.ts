/**
 * What a bucket-key rotation tells people: its target, the facts of its success, and the alert
 * when the old key is still in use (the standard messages are src/rotation/report.ts). Which
 * state failed is found from rotation-steps.ts.
 */
import { Blocks, Md, Message } from 'slack-block-builder';
import { notifyRotationSucceeded, type NotifiedRotation, type ReportedTarget } from '../rotation/report';
import type { NotifyDeps, SlackMessage } from '../notify/slack';
import { executionConsoleLink } from '../notify/console-links';
import { slackEscape as esc } from '../notify/slack-text';
import { describeLastUse, type LastUse } from './errors';
import { bucketNameField } from './target-id';

export const REPORTED_TARGET: ReportedTarget<'bucketName'> = {
  workflow: 'rotate-lightsail-bucket-key',
  idField: 'bucketName',
  idSchema: bucketNameField,
  describe: (id) => `bucket ${id}`,
};
const WORKFLOW = REPORTED_TARGET.workflow;

export interface RotatedSummary {
  executionName: string;
  executionArn?: string;
  bucketName: string;
  secretId: string;
  slackWebhookSecretId?: string;
  newAccessKeyId: string;
  oldAccessKeyId: string | null;
  oldKeyOutcome: 'deleted' | 'already-gone' | 'kept-in-use' | 'none';
  oldKeyLastUse: LastUse | null;
  promotedAt: string | null;
  rotation?: NotifiedRotation;
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
      Blocks.Context().elements(`execution ${s.executionArn ? executionConsoleLink(s.executionArn, s.executionName) : esc(s.executionName)}`),
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
  const notified = await notifyRotationSucceeded(deps, REPORTED_TARGET, {
    ...summary,
    targetId: summary.bucketName,
    facts: {
      'New access key': summary.newAccessKeyId,
      'Old access key': summary.oldAccessKeyId ?? 'none',
      'Old key outcome': OUTCOMES[summary.oldKeyOutcome],
      Secret: summary.secretId,
    },
    ...(alert && { message: oldKeyInUseMessage(summary) }),
  });
  return { ...notified, alert };
}
