/**
 * "Approve" and "Reject" on a rotation waiting at its approval gate (src/rotation/approval.ts):
 * the pending approval's secret says who may answer (its approvers, never whoever started the
 * run) and holds the task token; the answer goes to Step Functions once (SendTaskSuccess, or
 * SendTaskFailure with ApprovalRejected), and the secret is deleted. A second click, a second
 * approver, or a click after the timeout finds the approval gone or the token closed, and is told
 * so: a token resolves once. Only executions of keyturn's own state machines of this stage are
 * acted on; the button carries the execution, never the token.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, TaskTimedOut, InvalidToken } from '@aws-sdk/client-sfn';
import type { Log } from '../logger';
import { discardPendingApproval, readPendingApproval, type ApprovalGate } from '../rotation/approval-store';
import type { SecretsClient } from '../secrets/credential-store';
import { keyturnExecution, type StatesClient } from './retry';

/** The error a rejected approval fails its Task with: the rotation's Catch takes it to the undo. */
export const APPROVAL_REJECTED = 'ApprovalRejected';

export type ApprovalDecision = 'approve' | 'reject';

export type ApprovalOutcome =
  | { kind: 'decided'; decision: ApprovalDecision; subject: string }
  /** Nothing waits any more: answered already, timed out, or the run ended. */
  | { kind: 'gone' }
  | { kind: 'not-approver'; subject: string }
  | { kind: 'own-run'; subject: string };

export async function decideApproval(
  deps: { states: StatesClient; secrets: SecretsClient; log: Log; now: () => Date },
  request: { executionArn: string; gate: ApprovalGate; decision: ApprovalDecision; userId: string; stage: string },
): Promise<ApprovalOutcome> {
  keyturnExecution(request.executionArn, request.stage);
  const pending = await readPendingApproval(deps.secrets, request.executionArn);
  // An outdated message: this gate was answered, or the run moved on to another gate.
  if (!pending || pending.gate !== request.gate) return { kind: 'gone' };
  const subject = pending.subject;
  if (!pending.approvers.includes(request.userId)) return { kind: 'not-approver', subject };
  if (pending.requestedBy === request.userId) return { kind: 'own-run', subject };
  const at = deps.now().toISOString();
  try {
    if (request.decision === 'approve') {
      await deps.states.send(new SendTaskSuccessCommand({ taskToken: pending.taskToken, output: JSON.stringify({ approvedBy: request.userId, at }) }));
    } else {
      await deps.states.send(new SendTaskFailureCommand({ taskToken: pending.taskToken, error: APPROVAL_REJECTED, cause: `rejected in Slack by ${request.userId} at ${at}` }));
    }
  } catch (error) {
    // Someone answered first, or the Task timed out (its undo withdraws the request).
    if (error instanceof TaskTimedOut || error instanceof InvalidToken) return { kind: 'gone' };
    throw error;
  }
  await discardPendingApproval(deps.secrets, request.executionArn);
  deps.log.info('approval answered from slack', { gate: request.gate, decision: request.decision, userId: request.userId });
  return { kind: 'decided', decision: request.decision, subject };
}
