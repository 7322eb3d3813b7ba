/**
 * The approval gate of a rotation (a target's `approval`: src/rotation/config.ts). The state
 * machine waits on a `.waitForTaskToken` Task before the old credential is retired (and, with
 * `beforeStart`, before anything is created); this is that Task's function. It keeps the task
 * token in Secrets Manager (src/rotation/approval-store.ts), then asks the approvers in Slack
 * with Approve and Reject buttons that carry only the execution and the gate. The Slack endpoint
 * (src/interactivity/approve.ts) reads the token back, answers it once, and deletes it; when
 * nobody answers, the Task times out and the undo withdraws the request.
 */
import type { ApprovalConfig } from './config';
import { InvalidInputError } from '../errors';
import { approvalRequestMessage } from '../notify/rotation-messages';
import { notifySlack, type NotifyDeps } from '../notify/slack';
import { keepPendingApproval, type ApprovalGate, type PendingApproval } from './approval-store';

export interface AskApprovalRequest {
  taskToken: string;
  executionArn: string;
  executionName: string;
  gate: ApprovalGate;
  workflow: string;
  subject: string;
  config: { approval?: ApprovalConfig | undefined; target?: string | undefined; requestedBy?: string | undefined; slackWebhookSecretId?: string | undefined };
}

/** Keeps the token, then asks Slack's approvers; the Task waits until one answers or the timeout passes. */
export async function askApproval(deps: NotifyDeps & { now: () => Date }, request: AskApprovalRequest): Promise<{ asked: true; expiresAt: string }> {
  const { approval, slackWebhookSecretId } = request.config;
  if (!approval) throw new InvalidInputError('approval', 'is not configured for this target, so nothing should wait for one');
  if (!slackWebhookSecretId) throw new InvalidInputError('slackWebhookSecretId', 'is required with approval: the approvers are asked in Slack');
  const expiresAt = new Date(deps.now().getTime() + approval.timeoutSeconds * 1000).toISOString();
  const pending: PendingApproval = {
    taskToken: request.taskToken,
    executionArn: request.executionArn,
    gate: request.gate,
    ...(request.config.target ? { target: request.config.target } : {}),
    subject: request.subject,
    approvers: approval.approvers,
    ...(request.config.requestedBy ? { requestedBy: request.config.requestedBy } : {}),
    expiresAt,
  };
  await keepPendingApproval(deps.secrets, pending);
  const message = approvalRequestMessage({
    workflow: request.workflow,
    subject: request.subject,
    gate: request.gate,
    approvers: approval.approvers,
    ...(request.config.requestedBy ? { requestedBy: request.config.requestedBy } : {}),
    expiresAt,
    executionName: request.executionName,
    executionArn: request.executionArn,
    button: { executionArn: request.executionArn, gate: request.gate, ...(request.config.target ? { target: request.config.target } : {}) },
  });
  await notifySlack(deps, slackWebhookSecretId, message);
  deps.log.info('approval asked', { gate: request.gate, approvers: approval.approvers.length, expiresAt });
  return { asked: true, expiresAt };
}

