/**
 * "Retry" on a failed rotation's Slack message: start the same state machine again with the
 * failed execution's input and its rotationId, so the rerun resumes that rotation (or, after a
 * completed undo, starts its next attempt: docs/design.md invariant 4). The new execution's name
 * derives from the failed one's, so a double click, or two people clicking, starts one execution.
 * Only keyturn's own state machines of this deploy's stage are acted on.
 */
import { createHash } from 'node:crypto';
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Log } from '../logger';
import { SlackRequestRejectedError } from './errors';

export type StatesClient = Pick<SFNClient, 'send'>;

/** `arn:<partition>:states:<region>:<account>:execution:<state machine>:<execution>`. */
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:([A-Za-z0-9_-]{1,80}):([^:\s]{1,80})$/;

/** The execution's name, when `executionArn` is an execution of keyturn's state machines of `stage`; refused otherwise. */
export function keyturnExecution(executionArn: string, stage: string): string {
  const match = EXECUTION_ARN.exec(executionArn);
  if (!match || !match[1]!.startsWith('keyturn-') || !match[1]!.endsWith(`-${stage}`)) {
    throw new SlackRequestRejectedError(`the button names no execution of keyturn's state machines (keyturn-<workflow>-${stage})`);
  }
  return match[2]!;
}

export type RetryOutcome =
  | { kind: 'started'; executionArn: string; rotationId: string }
  | { kind: 'already-retried'; executionArn: string; status: string }
  | { kind: 'not-failed'; status: string };

/** The retry's execution name: `retry-` and a hash of the failed execution, the same for every click on one message. */
export function retryExecutionName(failedExecutionArn: string): string {
  return `retry-${createHash('sha256').update(failedExecutionArn).digest('hex').slice(0, 40)}`;
}

export async function retryRotation(
  deps: { states: StatesClient; log: Log },
  request: { executionArn: string; stage: string; userId?: string },
): Promise<RetryOutcome> {
  const executionName = keyturnExecution(request.executionArn, request.stage);
  let failed;
  try {
    failed = await deps.states.send(new DescribeExecutionCommand({ executionArn: request.executionArn }));
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) throw new SlackRequestRejectedError('the execution the button names does not exist (its history may have expired)', { cause: error });
    throw error;
  }
  // An outdated message: the execution did not fail (it ran on, or was a dry run that succeeded).
  if (failed.status !== 'FAILED' && failed.status !== 'TIMED_OUT' && failed.status !== 'ABORTED') return { kind: 'not-failed', status: failed.status ?? 'UNKNOWN' };
  const input = JSON.parse(failed.input ?? '{}') as Record<string, unknown>;
  // Without a rotationId in its input, a rotation's id is its execution's name.
  const rotationId = typeof input.rotationId === 'string' ? input.rotationId : executionName;
  const name = retryExecutionName(request.executionArn);
  const stateMachineArn = failed.stateMachineArn!;
  try {
    // requestedBy: whoever retried may not approve the run (src/interactivity/approve.ts).
    const retried = { ...input, rotationId, ...(request.userId ? { requestedBy: request.userId } : {}) };
    const started = await deps.states.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(retried) }));
    deps.log.info('rotation retried from slack', { failedExecutionArn: request.executionArn, executionArn: started.executionArn, rotationId });
    return { kind: 'started', executionArn: started.executionArn!, rotationId };
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    // Someone clicked first: report that execution as it stands.
    const executionArn = request.executionArn.replace(/:[^:]+$/, `:${name}`);
    const existing = await deps.states.send(new DescribeExecutionCommand({ executionArn }));
    return { kind: 'already-retried', executionArn, status: existing.status ?? 'UNKNOWN' };
  }
}
