/**
 * The deployed side of `keyturn run` and `keyturn status`: finding a workflow's state machine
 * (`keyturn-<workflow>-<stage>`, as serverless/<workflow>.yml names it), naming executions, and
 * following an execution's history as the same progress lines a local run prints.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { ProgressEvent } from '../local/runner';

export { executionName, stateMachineName, stateMachinesByName, type StatesClient } from '../status/state-machines';
import type { StatesClient } from '../status/state-machines';

export interface FollowOptions {
  pollMs: number;
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (p: ProgressEvent) => void;
}

export interface FollowResult {
  execution: DescribeExecutionCommandOutput;
  /** The state that failed last (or was running when the execution stopped). */
  failedState?: string;
  elapsedMs: number;
}

const TERMINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

/** Polls GetExecutionHistory until the execution ends, turning AWS history events into progress lines. */
export async function followExecution(client: StatesClient, executionArn: string, options: FollowOptions): Promise<FollowResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const tracker = new HistoryTracker(options.onProgress);
  let lastId = 0;
  for (;;) {
    const events = await allEvents(client, executionArn);
    for (const event of events.filter((e) => (e.id ?? 0) > lastId)) {
      lastId = event.id ?? lastId;
      tracker.add(event);
    }
    if (tracker.finished) break;
    await sleep(options.pollMs);
  }
  const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
  return { execution, ...(tracker.failedState !== undefined ? { failedState: tracker.failedState } : {}), elapsedMs: tracker.elapsedMs };
}

async function allEvents(client: StatesClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData: false }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** AWS history → the runner's progress events: a retry is a new TaskScheduled after a failure; a catch is an exit after one. */
export class HistoryTracker {
  finished = false;
  failedState: string | undefined;
  elapsedMs = 0;
  private startedAt: number | undefined;
  private current: { name: string; type: string; enteredAt: number } | undefined;
  private pendingFailure: { error?: string; cause?: string } | undefined;
  private attempts = 0;

  constructor(private readonly onProgress?: (p: ProgressEvent) => void) {}

  add(event: HistoryEvent): void {
    const at = event.timestamp ? new Date(event.timestamp).getTime() : Date.now();
    this.startedAt ??= at;
    this.elapsedMs = at - this.startedAt;
    const type = event.type ?? '';
    const emit = (kind: ProgressEvent['kind'], extra: Partial<ProgressEvent> = {}) => {
      if (!this.current) return;
      this.onProgress?.({ kind, state: this.current.name, stateType: this.current.type, elapsedMs: this.elapsedMs, ...extra });
    };
    const entered = /^(\w+)StateEntered$/.exec(type);
    const exited = /^(\w+)StateExited$/.exec(type);
    if (TERMINAL.has(type)) {
      this.finished = true;
      if (type !== 'ExecutionSucceeded' && !this.failedState && this.current) this.failedState = this.current.name;
    } else if (entered) {
      this.current = { name: event.stateEnteredEventDetails?.name ?? '?', type: entered[1]!, enteredAt: at };
      this.pendingFailure = undefined;
      this.attempts = 0;
      emit('entered');
    } else if (/^(Task|LambdaFunction)Failed$|^(Task|LambdaFunction)TimedOut$|^(Map|Parallel)StateFailed$/.test(type)) {
      const details = event.taskFailedEventDetails ?? event.lambdaFunctionFailedEventDetails ?? event.taskTimedOutEventDetails ?? event.lambdaFunctionTimedOutEventDetails;
      this.pendingFailure = { ...(details?.error !== undefined ? { error: details.error } : {}), ...(details?.cause !== undefined ? { cause: details.cause } : {}) };
      if (this.current) this.failedState = this.current.name;
      emit('failed', { durationMs: this.since(at), ...this.pendingFailure });
    } else if (/^(Task|LambdaFunction)Scheduled$/.test(type) && this.pendingFailure) {
      this.attempts += 1;
      this.pendingFailure = undefined;
      emit('retried', { durationMs: this.since(at), attempt: this.attempts });
    } else if (exited) {
      if (this.pendingFailure) emit('caught', { durationMs: this.since(at), ...(this.pendingFailure.error !== undefined ? { error: this.pendingFailure.error } : {}) });
      else emit('succeeded', { durationMs: this.since(at) });
      this.pendingFailure = undefined;
    }
  }

  private since(at: number): number {
    return this.current ? at - this.current.enteredAt : 0;
  }
}
