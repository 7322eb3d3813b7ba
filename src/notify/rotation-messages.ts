/**
 * Block Kit messages about rotations, shared by every workflow. Built with slack-block-builder so
 * the shape is checked by a maintained library rather than hand-written JSON.
 */
import { Blocks, Elements, Md, Message } from 'slack-block-builder';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID, RETRY_ACTION_ID, type ApprovalButtonValue, type RetryButtonValue } from '../interactivity/actions';
import { executionConsoleLink } from './console-links';
import type { SlackMessage } from './slack';
import { slackEscape as esc } from './slack-text';

export interface RotationSucceeded {
  workflow: string;
  target: string;
  /** Label → value, shown as fields (ids, dates; never secret material). */
  facts: Record<string, string>;
  executionName: string;
  /** The execution, for a link to it in the console. */
  executionArn?: string;
}

export interface RotationFailed {
  workflow: string;
  target: string;
  failedState: string;
  error: { name: string; message: string };
  undone: string[];
  kept: string[];
  executionName: string;
  /** The execution, for a link to it in the console. */
  executionArn?: string;
  /** A Retry button (when the Slack app takes clicks): what it carries back to keyturn's endpoint. */
  retry?: RetryButtonValue;
}

/** What a workflow's "Notify Slack of the failure" step reports, besides its own target's id. */
export interface RotationFailureReport extends Omit<RotationFailed, 'workflow' | 'target'> {
  slackWebhookSecretId?: string;
}

const fieldsOf = (facts: Record<string, string>) =>
  Object.entries(facts).map(([label, value]) => `${Md.bold(esc(label))}\n${esc(value)}`);

function build(text: string, blocks: Parameters<ReturnType<typeof Message>['blocks']>): SlackMessage {
  const message = Message().text(text).blocks(...blocks).buildToObject() as { text?: string; blocks?: unknown[] };
  return { text: message.text ?? text, blocks: message.blocks ?? [] };
}

/** "execution <name>", the name linking to the execution in the console when its ARN is known. */
function executionLine(m: { executionName: string; executionArn?: string }): string {
  return `execution ${m.executionArn ? executionConsoleLink(m.executionArn, m.executionName) : esc(m.executionName)}`;
}

export function rotationSucceededMessage(m: RotationSucceeded): SlackMessage {
  const text = `${esc(m.workflow)}: rotated ${esc(m.target)}`;
  return build(text, [
    Blocks.Header({ text: `Rotated ${esc(m.target)}`.slice(0, 150) }),
    Blocks.Section({ text: `${Md.codeInline(esc(m.workflow))} finished.` }).fields(...fieldsOf(m.facts).slice(0, 10)),
    Blocks.Context().elements(executionLine(m)),
  ]);
}

export function rotationFailedMessage(m: RotationFailed): SlackMessage {
  const text = `${esc(m.workflow)}: rotation of ${esc(m.target)} failed at "${esc(m.failedState)}" (${esc(m.error.name)})`;
  const list = (items: string[]) => (items.length ? items.map((i) => `• ${esc(i)}`).join('\n') : '• nothing');
  return build(text, [
    Blocks.Header({ text: `Rotation failed: ${esc(m.target)}`.slice(0, 150) }),
    Blocks.Section({ text: `${Md.bold('Failed state')}: ${esc(m.failedState)}\n${Md.bold('Error')}: ${Md.codeInline(esc(m.error.name))} ${esc(m.error.message)}`.slice(0, 2900) }),
    Blocks.Section({ text: `${Md.bold('Undone')}\n${list(m.undone)}`.slice(0, 2900) }),
    ...(m.kept.length ? [Blocks.Section({ text: `${Md.bold('Kept')}\n${list(m.kept)}`.slice(0, 2900) })] : []),
    Blocks.Context().elements(executionLine(m)),
    ...(m.retry ? [Blocks.Actions().elements(Elements.Button({ text: 'Retry', actionId: RETRY_ACTION_ID, value: JSON.stringify(m.retry) }))] : []),
  ]);
}

export interface ApprovalRequest {
  workflow: string;
  /** The credential in a sentence: "key group K2ABC". */
  subject: string;
  gate: 'start' | 'retire';
  approvers: readonly string[];
  requestedBy?: string;
  expiresAt: string;
  executionName: string;
  executionArn: string;
  button: ApprovalButtonValue;
}

/** Asks the approvers, by mention, to approve or reject; says what each answer, and silence, leads to. */
export function approvalRequestMessage(m: ApprovalRequest): SlackMessage {
  const what = m.gate === 'start' ? `start rotating ${esc(m.subject)}` : `retire the old credential of ${esc(m.subject)} (the new one is already in use)`;
  const text = `${esc(m.workflow)}: approval needed to ${what}`;
  const mention = (id: string) => `<@${esc(id)}>`;
  const until = `${m.expiresAt.slice(0, 16).replace('T', ' ')} UTC`;
  const ifRejected = m.gate === 'start' ? 'nothing is created' : 'the old credential stays and the run stops; a rerun asks again';
  return build(text, [
    Blocks.Header({ text: `Approval needed: ${esc(m.subject)}`.slice(0, 150) }),
    Blocks.Section({
      text: [
        `${Md.codeInline(esc(m.workflow))} is waiting to ${what}.`,
        `${Md.bold('Approvers')}: ${m.approvers.map(mention).join(', ')}${m.requestedBy ? ` (not ${mention(m.requestedBy)}, who started this run)` : ''}`,
        `${Md.bold('Expires')}: ${until}. Rejected or unanswered by then: ${ifRejected}.`,
      ].join('\n').slice(0, 2900),
    }),
    Blocks.Context().elements(executionLine(m)),
    Blocks.Actions().elements(
      Elements.Button({ text: 'Approve', actionId: APPROVE_ACTION_ID, value: JSON.stringify(m.button) }).primary(),
      Elements.Button({ text: 'Reject', actionId: REJECT_ACTION_ID, value: JSON.stringify(m.button) }).danger(),
    ),
  ]);
}
