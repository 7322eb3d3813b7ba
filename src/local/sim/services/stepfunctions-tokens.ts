/**
 * Step Functions' task tokens (the callback pattern, a `.waitForTaskToken` Task): the executor
 * issues one when such a Task starts and waits on its outcome; `SendTaskSuccess`,
 * `SendTaskFailure` (src/local/sim/services/stepfunctions.ts) or the Task's own timeout close it,
 * once. The simulator and the runner it executes with share one process, so the tokens are this
 * module's: a token issued elsewhere is unknown here, as a forged one is on AWS.
 */
import { randomBytes } from 'node:crypto';

export type TaskTokenOutcome = { kind: 'success'; output: unknown } | { kind: 'failure'; error?: string; cause?: string };

interface OpenToken {
  executionArn: string;
  state: string;
  settle: (outcome: TaskTokenOutcome) => void;
  /** Reset by SendTaskHeartbeat (HeartbeatSeconds). */
  heartbeat: () => void;
}

const open = new Map<string, OpenToken>();
/** Tokens once issued and since closed: SendTask* on them is TaskTimedOut, not InvalidToken. */
const closed = new Set<string>();

export interface IssuedTaskToken {
  token: string;
  /** Settles when the token is closed by SendTaskSuccess or SendTaskFailure. */
  outcome: Promise<TaskTokenOutcome>;
  /** Closes it without an outcome (the Task timed out, or the run stopped): later SendTask* calls are TaskTimedOut. */
  expire: () => void;
}

/** A new token for `state` of `executionArn`: opaque, long, and unguessable, as AWS's are. */
export function issueTaskToken(executionArn: string, state: string, onHeartbeat: () => void = () => {}): IssuedTaskToken {
  const token = `AQ${randomBytes(96).toString('base64url')}`;
  let settle!: (outcome: TaskTokenOutcome) => void;
  const outcome = new Promise<TaskTokenOutcome>((resolve) => (settle = resolve));
  open.set(token, { executionArn, state, settle, heartbeat: onHeartbeat });
  return {
    token,
    outcome,
    expire: () => {
      if (open.delete(token)) closed.add(token);
    },
  };
}

export type TaskTokenAnswer = 'done' | 'closed' | 'unknown';

/** Closes an open token with `outcome`: 'closed' when it was closed already (or expired), 'unknown' when never issued here. */
export function closeTaskToken(token: string, outcome: TaskTokenOutcome): TaskTokenAnswer {
  const entry = open.get(token);
  if (!entry) return closed.has(token) ? 'closed' : 'unknown';
  open.delete(token);
  closed.add(token);
  entry.settle(outcome);
  return 'done';
}

/** SendTaskHeartbeat: the token is still open (its heartbeat clock restarts), or why not. */
export function heartbeatTaskToken(token: string): TaskTokenAnswer {
  const entry = open.get(token);
  if (!entry) return closed.has(token) ? 'closed' : 'unknown';
  entry.heartbeat();
  return 'done';
}

