/**
 * The local workflow runner: executes the very file in state-machines/ with
 * aws-local-stepfunctions, every Task resolved to its handler in functions/ through the
 * workflow's serverless fragment (the mapping serverless uses to deploy), against whatever AWS
 * endpoint the SDK environment names (`AWS_ENDPOINT_URL` → the simulator).
 *
 *   const result = await runWorkflow('rotate-cloudfront-key', input, { skipWaits: true });
 */
import './polyfills';
import { WEBHOOK_URL_PREFIXES_VARIABLE, webhookUrlPrefixes } from '../config/function-environment';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { invokeFunction, localFunctionArn } from './runner-lambda';
import { issueTaskToken } from './sim/services/stepfunctions-tokens';
import { DATA_LIMIT_EXCEEDED, DataLimitExceededError, dataLimitCause, exceedsPayloadLimit } from './runner-payload-limit';
import {
  LOCAL_ACCOUNT_ID,
  WorkflowDefinitionError,
  allStates,
  loadWorkflow,
  type AslDefinition,
  type AslState,
  type FunctionConfig,
  type WorkflowConfig,
} from './runner-workflow';

export { UnknownWorkflowError, WorkflowDefinitionError, listWorkflows } from './runner-workflow';

export interface RunOptions {
  /** The project root holding serverless/, state-machines/ and functions/ (default: the current directory). */
  root?: string;
  /** Every Wait state passes at once. */
  skipWaits?: boolean;
  /**
   * A simulated clock (keyturn up): each Wait state with Seconds or SecondsPath moves it on by its
   * duration, at once, instead of sleeping (so a grace period passes on the simulated clock).
   */
  clock?: { advance(ms: number): void };
  /** Retry intervals become 0 (default: the value of skipWaits). */
  fastRetries?: boolean;
  /** `$$.Execution.Name` (default: `local-<time>-<random>`). */
  executionName?: string;
  /**
   * The execution and its state machine as Step Functions names them, for `$$.Execution.Id` and
   * `$$.StateMachine` (default: the local stack's, `keyturn-<workflow>-local`): the simulator's
   * Step Functions passes its own, so what a run says of itself is the execution that was started.
   */
  execution?: { executionArn: string; stateMachineArn: string; stateMachineName: string };
  /**
   * A `.waitForTaskToken` Task's timeout, in seconds, by state name, instead of its TimeoutSeconds
   * or TimeoutSecondsPath (tests make an approval time out at once; the demo waits for its click).
   */
  taskTokenTimeoutOverrides?: Record<string, number>;
  /** stop the run as a Lambda timeout would, right after this state completes (crash tests) */
  stopAfterState?: string;
  /** awaited before and after every Task invocation: tests probe invariants at every transition */
  onTransition?: (t: Transition) => Promise<void> | void;
  onProgress?: (line: ProgressEvent) => void;
}

export interface Transition {
  state: string;
  phase: 'before' | 'after';
  /** The handler's event (phase 'before'). */
  input?: unknown;
  /** The handler's result (phase 'after', when it returned). */
  output?: unknown;
  /** What the handler threw (phase 'after', when it failed). */
  error?: { name: string; message: string };
}

export interface ProgressEvent {
  kind: 'entered' | 'retried' | 'caught' | 'succeeded' | 'failed';
  state: string;
  stateType: string;
  /** Since the execution started. */
  elapsedMs: number;
  /** Since the state was entered (succeeded, failed, retried, caught). */
  durationMs?: number;
  /** Error name (failed, caught) */
  error?: string;
  cause?: string;
  /** Retry attempt number (retried), from 1. */
  attempt?: number;
  /** Map iteration index, for states inside a Map. */
  index?: number;
}

export type HistoryEventType =
  | 'ExecutionStarted'
  | 'ExecutionSucceeded'
  | 'ExecutionFailed'
  | 'ExecutionAborted'
  | 'ExecutionTimeout'
  | 'StateEntered'
  | 'StateExited'
  | 'StateFailed'
  | 'StateRetried'
  | 'StateCaught'
  | 'MapIterationStarted'
  | 'MapIterationSucceeded'
  | 'MapIterationFailed'
  | 'ParallelBranchStarted'
  | 'ParallelBranchSucceeded'
  | 'ParallelBranchFailed';

export interface HistoryEvent {
  type: HistoryEventType;
  timestamp: number;
  elapsedMs: number;
  state?: string;
  stateType?: string;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  retryAttempt?: number;
  index?: number;
  parentState?: string;
}

export interface RunResult {
  status: 'SUCCEEDED' | 'FAILED' | 'STOPPED';
  /** The execution's output; for STOPPED, the output of `stopAfterState`. */
  output?: unknown;
  error?: { name: string; cause?: string; state?: string };
  history: HistoryEvent[];
  executionName: string;
}

/**
 * Local runs post to the simulator's Slack sink (`<AWS_ENDPOINT_URL>/_sim/slack/`), which the
 * webhook rule (src/notify/slack.ts, webhookUrlAllowed) refuses as it refuses any host but
 * Slack's: the runner allows it the way a deploy allows a proxy, through
 * KEYTURN_SLACK_WEBHOOK_URL_PREFIXES, and only when the SDK is pointed at an endpoint.
 */
export function allowSimulatorSlackSink(env: NodeJS.ProcessEnv = process.env): void {
  const endpoint = env.AWS_ENDPOINT_URL;
  if (!endpoint) return;
  const sink = `${endpoint.replace(/\/+$/, '')}/_sim/slack/`;
  const prefixes = webhookUrlPrefixes(env);
  if (!prefixes.includes(sink)) env[WEBHOOK_URL_PREFIXES_VARIABLE] = [...prefixes, sink].join(' ');
}

interface PreparedWorkflow {
  config: WorkflowConfig;
  tasks: Map<string, TaskFunction>;
  machine: StateMachine;
  /** Wait states run as clock-advancing Tasks (a run with a clock). */
  clockedWaits: Set<string>;
}

/**
 * A workflow ready to run: its files read, its Tasks resolved to handlers, and the engine's machine
 * (which validates the definition when made: about a tenth of a second). Kept per root, workflow,
 * region and the workflow's files' modification times, so a long local run (keyturn up) pays for
 * it once and an edited file takes effect.
 */
const prepared = new Map<string, PreparedWorkflow>();

const modifiedAt = (file: string): number | null => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
};

function prepareWorkflow(workflow: string, root: string, region: string, clocked: boolean): PreparedWorkflow {
  const key = JSON.stringify([root, workflow, region, clocked, ...[join(root, 'serverless', `${workflow}.yml`), join(root, 'state-machines', `${workflow}.asl.json`)].map(modifiedAt)]);
  const cached = prepared.get(key);
  if (cached) return cached;
  const config = loadWorkflow(workflow, root);
  const definition = resolveFunctionArns(config, region);
  const tasks = taskFunctions(config, definition);
  const clockedWaits = new Set<string>();
  const local = withLocalCallbacks(definition, tasks);
  const machine = new StateMachine((clocked ? withClockedWaits(local, clockedWaits) : local) as unknown as StateMachineDefinition);
  const made = { config, tasks, machine, clockedWaits };
  prepared.set(key, made);
  return made;
}

export async function runWorkflow(workflow: string, input: unknown, options: RunOptions = {}): Promise<RunResult> {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const { config, tasks, machine, clockedWaits } = prepareWorkflow(workflow, options.root ?? process.cwd(), region, options.clock !== undefined);
  allowSimulatorSlackSink();
  const executionName = options.executionName ?? defaultExecutionName();
  const states = allStates(config.definition);
  if (options.stopAfterState !== undefined && !states.some(([name]) => name === options.stopAfterState)) {
    throw new WorkflowDefinitionError(`stopAfterState: no state named '${options.stopAfterState}' in ${config.definitionFile}`);
  }

  // AWS refuses such an input at StartExecution (ValidationException, as the simulator does), so
  // no state runs; runWorkflow has no API call to refuse, so it reports a run that failed at once.
  const inputBytes = exceedsPayloadLimit(input);
  if (inputBytes !== undefined) {
    const error = { name: DATA_LIMIT_EXCEEDED, cause: dataLimitCause('the execution input', inputBytes) };
    const now = Date.now();
    return { status: 'FAILED', error, history: [{ type: 'ExecutionFailed', timestamp: now, elapsedMs: 0, error: error.name, cause: error.cause }], executionName };
  }


  let stopRequested = false;
  let stopped = false;
  let stoppedOutput: unknown;
  const fastRetries = options.fastRetries ?? options.skipWaits ?? false;

  const taskResourceLocalHandlers = Object.fromEntries(
    [...tasks].map(([state, task]) => [
      state,
      async (stateInput: unknown) => {
        // Let the event log catch up: a stop requested by the previous state is seen before anything runs.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stopRequested) throw new RunStoppedError();
        const inputBytes = exceedsPayloadLimit(stateInput);
        if (inputBytes !== undefined) throw new DataLimitExceededError(dataLimitCause(`the input of '${state}' (after Parameters)`, inputBytes));
        if (task.callback) return waitForTaskToken(state, task, stateInput);
        const event = task.integration ? (stateInput as { Payload?: unknown } | null)?.Payload : stateInput;
        const output = await invoke(state, task, event);
        // The optimised integration (`arn:aws:states:::lambda:invoke`) wraps the result as AWS does.
        const result = task.integration ? { ExecutedVersion: '$LATEST', Payload: output, StatusCode: 200 } : output;
        // The function succeeded (Lambda allows 6 MB); Step Functions refuses the result.
        const resultBytes = exceedsPayloadLimit(result);
        if (resultBytes !== undefined) throw new DataLimitExceededError(dataLimitCause(`the result of '${state}'`, resultBytes));
        if (state === options.stopAfterState) stopRequested = true;
        return result as never;
      },
    ]),
  );
  /** Invokes the state's function as the Task would, telling onTransition before and after. */
  async function invoke(state: string, task: TaskFunction, event: unknown): Promise<unknown> {
    await options.onTransition?.({ state, phase: 'before', input: event });
    let output: unknown;
    try {
      output = await invokeFunction(task.fn, event, region);
    } catch (error) {
      const { errorType: name = 'Error', errorMessage: message = '' } = error as { errorType?: string; errorMessage?: string };
      await options.onTransition?.({ state, phase: 'after', error: { name, message } });
      throw error;
    }
    await options.onTransition?.({ state, phase: 'after', output });
    return output;
  }

  /**
   * The callback pattern (`arn:aws:states:::lambda:invoke.waitForTaskToken`): the function gets
   * its payload with `$$.Task.Token` as a token the simulator's Step Functions knows; the Task
   * ends when SendTaskSuccess (its output is the Task's result) or SendTaskFailure (its error and
   * cause) answers that token, or fails with States.Timeout after its timeout, or with
   * States.HeartbeatTimeout when no SendTaskHeartbeat came within HeartbeatSeconds.
   */
  async function waitForTaskToken(state: string, task: TaskFunction, stateInput: unknown): Promise<never> {
    const { [CALLBACK_TIMEOUT_PARAMETER]: timeout, [CALLBACK_HEARTBEAT_PARAMETER]: heartbeat, ...parameters } = (stateInput ?? {}) as Record<string, unknown>;
    const timeoutSeconds = options.taskTokenTimeoutOverrides?.[state] ?? callbackSeconds(timeout, 'TimeoutSeconds', state) ?? MAX_TASK_SECONDS;
    const heartbeatSeconds = callbackSeconds(heartbeat, 'HeartbeatSeconds', state);
    let heartbeatTimer: NodeJS.Timeout | undefined;
    let rejectWait!: (error: Error) => void;
    const timedOut = new Promise<never>((_, reject) => (rejectWait = reject));
    const armHeartbeat = () => {
      clearTimeout(heartbeatTimer);
      if (heartbeatSeconds !== undefined) heartbeatTimer = setTimeout(() => rejectWait(new TaskTokenError('States.HeartbeatTimeout', `no heartbeat within ${heartbeatSeconds} seconds`)), heartbeatSeconds * 1000);
    };
    const issued = issueTaskToken(executionArn, state, armHeartbeat);
    const timer = setTimeout(() => rejectWait(new TaskTokenError('States.Timeout', `the task timed out after ${timeoutSeconds} seconds`)), Math.min(timeoutSeconds, MAX_TIMER_SECONDS) * 1000);
    try {
      armHeartbeat();
      await invoke(state, task, replaceValue(parameters.Payload, TASK_TOKEN_PLACEHOLDER, issued.token));
      const outcome = await Promise.race([issued.outcome, timedOut]);
      if (outcome.kind === 'failure') throw new TaskTokenError(outcome.error ?? 'States.TaskFailed', outcome.cause ?? '');
      const resultBytes = exceedsPayloadLimit(outcome.output);
      if (resultBytes !== undefined) throw new DataLimitExceededError(dataLimitCause(`the result of '${state}'`, resultBytes));
      if (state === options.stopAfterState) stopRequested = true;
      return outcome.output as never;
    } finally {
      clearTimeout(timer);
      clearTimeout(heartbeatTimer);
      issued.expire();
    }
  }

  // A clocked Wait: its duration passes on the simulated clock, at once.
  for (const state of clockedWaits) {
    taskResourceLocalHandlers[state] = async (stateInput: unknown) => {
      const seconds = (stateInput as { seconds?: unknown } | null)?.seconds;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw new TaskTokenError('States.Runtime', `'${state}': the Wait's seconds must be a non-negative number`);
      options.clock!.advance(seconds * 1000);
      return {} as never;
    };
  }
  const waitTimeOverrides = options.skipWaits ? Object.fromEntries(states.filter(([, s]) => s.Type === 'Wait').map(([name]) => [name, 0])) : {};
  const retryIntervalOverrides = fastRetries ? Object.fromEntries(states.filter(([, s]) => s.Retry).map(([name]) => [name, 0])) : {};

  const executionArn = options.execution?.executionArn ?? `arn:aws:states:${region}:${LOCAL_ACCOUNT_ID}:execution:${config.stateMachineName}:${executionName}`;
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
    noThrowOnAbort: true,
    context: {
      Execution: {
        Id: executionArn,
        Name: executionName,
        RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${config.stateMachineName}-role`,
      },
      StateMachine: {
        Id: options.execution?.stateMachineArn ?? `arn:aws:states:${region}:${LOCAL_ACCOUNT_ID}:stateMachine:${config.stateMachineName}`,
        Name: options.execution?.stateMachineName ?? config.stateMachineName,
      },
      // The engine's context is fixed for the run: each waiting Task's handler swaps in its own token.
      Task: { Token: TASK_TOKEN_PLACEHOLDER },
    },
  });

  const history: HistoryEvent[] = [];
  const enteredAt = new Map<string, number>();
  let startedAt: number | undefined;
  let failure: RunResult['error'];
  let lastFailedState: string | undefined;
  /** A state's output broke the payload quota: the run failed there, whatever the engine does next. */
  let overLimit = false;

  const consume = (async () => {
    for await (const raw of execution.eventLogs) {
      const event = toHistoryEvent(raw as unknown as RawEvent, (startedAt ??= raw.timestamp));
      if (event.state !== undefined && clockedWaits.has(event.state)) event.stateType = 'Wait';
      if (overLimit) continue;
      if (stopped && event.type !== 'ExecutionAborted') continue; // the run is over; the engine is winding down
      const outputBytes = event.type === 'StateExited' ? exceedsPayloadLimit(event.output) : undefined;
      if (outputBytes !== undefined && event.state) {
        // The engine has no hook after ResultPath/OutputPath, so the output (the execution's own,
        // for a last state) is checked here. The state fails instead of exiting, uncaught (see
        // DataLimitExceededError); no Task runs after it: its handler sees stopRequested first.
        overLimit = stopRequested = true;
        failure = { name: DATA_LIMIT_EXCEEDED, cause: dataLimitCause(`the output of '${event.state}'`, outputBytes), state: event.state };
        const { output: _output, ...exited } = event;
        history.push({ ...exited, type: 'StateFailed', error: failure.name, cause: failure.cause });
        history.push({ type: 'ExecutionFailed', timestamp: event.timestamp, elapsedMs: event.elapsedMs, error: failure.name, cause: failure.cause });
        const since = enteredAt.get(`${event.state}#${event.index ?? ''}`);
        options.onProgress?.({
          kind: 'failed',
          state: event.state,
          stateType: event.stateType ?? '',
          elapsedMs: event.elapsedMs,
          ...(event.index !== undefined ? { index: event.index } : {}),
          ...(since === undefined ? {} : { durationMs: event.timestamp - since }),
          error: failure.name,
          cause: failure.cause,
        });
        execution.abort();
        continue;
      }
      history.push(event);
      if (event.type === 'ExecutionFailed') failure = { name: event.error ?? 'States.Runtime', cause: event.cause, state: lastFailedState };
      if (event.type === 'ExecutionTimeout') failure = { name: 'States.Timeout', state: lastFailedState };
      if (!event.state) continue;
      const key = `${event.state}#${event.index ?? ''}`;
      const since = enteredAt.get(key);
      const progress = (kind: ProgressEvent['kind'], extra: Partial<ProgressEvent> = {}) =>
        options.onProgress?.({ kind, state: event.state!, stateType: event.stateType ?? '', elapsedMs: event.elapsedMs, ...(event.index !== undefined ? { index: event.index } : {}), ...extra });
      const duration = since === undefined ? {} : { durationMs: event.timestamp - since };
      switch (event.type) {
        case 'StateEntered':
          enteredAt.set(key, event.timestamp);
          progress('entered');
          break;
        case 'StateExited':
          // A caught error also exits the state (towards the catcher's Next): 'caught' said it all.
          if (history.at(-2)?.type !== 'StateCaught' || history.at(-2)?.state !== event.state) progress('succeeded', duration);
          if (event.state === options.stopAfterState && !stopped) {
            stopRequested = stopped = true;
            stoppedOutput = event.output;
            execution.abort();
          }
          break;
        case 'StateFailed':
          lastFailedState = event.state;
          progress('failed', { ...duration, error: event.error, cause: event.cause });
          if (event.state === options.stopAfterState && stopRequested && !stopped) {
            // The handler completed but the state's output processing failed: still a crash after it.
            stopped = true;
            execution.abort();
          }
          break;
        case 'StateRetried':
          progress('retried', { ...duration, attempt: event.retryAttempt });
          break;
        case 'StateCaught':
          progress('caught', { ...duration, error: history.findLast((e) => e.type === 'StateFailed' && e.state === event.state)?.error });
          break;
        default:
          break;
      }
    }
  })();

  let output: unknown;
  let thrown: unknown;
  try {
    output = await execution.result;
  } catch (error) {
    thrown = error;
  }
  await consume;

  if (stopped) return { status: 'STOPPED', output: stoppedOutput, history, executionName };
  if (thrown !== undefined || failure) {
    const name = failure?.name ?? (thrown as Error | undefined)?.name ?? 'States.Runtime';
    return { status: 'FAILED', error: failure ?? { name, cause: (thrown as Error | undefined)?.message }, history, executionName };
  }
  return { status: 'SUCCEEDED', output, history, executionName };
}

/** Ends the engine's work after a stop: neither Retry nor Catch may run anything else. */
class RunStoppedError extends Error {
  override name = 'RunStopped';
  readonly isRetryable = false;
  readonly isCatchable = false;
}

/** A callback Task's answer: SendTaskFailure's error and cause, or the Task's own timeout. */
class TaskTokenError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** What `$$.Task.Token` resolves to in the engine; never reaches a function (waitForTaskToken replaces it). */
const TASK_TOKEN_PLACEHOLDER = 'keyturn-local:task-token';
/** Parameters the runner adds to a callback Task: its timeout and heartbeat, resolved from the state input as AWS resolves TimeoutSecondsPath. */
const CALLBACK_TIMEOUT_PARAMETER = 'keyturn-local:timeoutSeconds';
const CALLBACK_HEARTBEAT_PARAMETER = 'keyturn-local:heartbeatSeconds';
/** A Task's timeout when its definition gives none (Step Functions' own: 99999999 seconds). */
const MAX_TASK_SECONDS = 99_999_999;
/** Node's timers hold at most 2^31-1 ms (about 24.8 days): a longer wait is as good as forever locally. */
const MAX_TIMER_SECONDS = 2_147_483;

function callbackSeconds(value: unknown, field: string, state: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TaskTokenError('States.Runtime', `'${state}': ${field} must be a positive whole number of seconds`);
  }
  return value;
}

/**
 * The definition the engine runs: each callback Task's timeout and heartbeat become Parameters
 * the handler reads (the engine would cap a Task at 60 seconds and knows no heartbeat), and the
 * engine's own timeout for it is as long as a timer allows.
 */
function withLocalCallbacks(definition: AslDefinition, tasks: Map<string, TaskFunction>): AslDefinition {
  const callbacks = new Set([...tasks].filter(([, t]) => t.callback).map(([name]) => name));
  if (!callbacks.size) return definition;
  return mapStates(definition, (name, state) => {
    if (!callbacks.has(name)) return state;
    const { TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds, HeartbeatSecondsPath, ...rest } = state;
    const parameters = {
      ...rest.Parameters,
      ...(TimeoutSecondsPath !== undefined ? { [`${CALLBACK_TIMEOUT_PARAMETER}.$`]: TimeoutSecondsPath } : TimeoutSeconds !== undefined ? { [CALLBACK_TIMEOUT_PARAMETER]: TimeoutSeconds } : {}),
      ...(HeartbeatSecondsPath !== undefined ? { [`${CALLBACK_HEARTBEAT_PARAMETER}.$`]: HeartbeatSecondsPath } : HeartbeatSeconds !== undefined ? { [CALLBACK_HEARTBEAT_PARAMETER]: HeartbeatSeconds } : {}),
    };
    return { ...rest, Parameters: parameters, TimeoutSeconds: MAX_TIMER_SECONDS };
  });
}

/** `definition` with `change` applied to each state, those inside Map and Parallel states too. */
function mapStates(definition: AslDefinition, change: (name: string, state: AslState) => AslState): AslDefinition {
  const rewrite = (machine: AslDefinition): AslDefinition => ({
    ...machine,
    States: Object.fromEntries(
      Object.entries(machine.States).map(([name, state]): [string, AslState] => {
        if (state.ItemProcessor) return [name, { ...state, ItemProcessor: rewrite(state.ItemProcessor) }];
        if (state.Iterator) return [name, { ...state, Iterator: rewrite(state.Iterator) }];
        if (state.Branches) return [name, { ...state, Branches: state.Branches.map(rewrite) }];
        return [name, change(name, state)];
      }),
    ),
  });
  return rewrite(definition);
}

/** What a clocked Wait runs as: a Task the runner answers by moving the clock (never a function of the workflow). */
const CLOCKED_WAIT_RESOURCE = `arn:aws:lambda:us-east-1:${LOCAL_ACCOUNT_ID}:function:keyturn-local-clocked-wait`;

/** Each Wait with Seconds or SecondsPath becomes a Task that moves the simulated clock on (`names` collects them). */
function withClockedWaits(definition: AslDefinition, names: Set<string>): AslDefinition {
  return mapStates(definition, (name, state) => {
    if (state.Type !== 'Wait' || (state.Seconds === undefined && state.SecondsPath === undefined)) return state;
    names.add(name);
    const { Seconds, SecondsPath, Type: _wait, ...flow } = state;
    const parameters = SecondsPath !== undefined ? { 'seconds.$': SecondsPath } : { seconds: Seconds };
    return { ...flow, Type: 'Task', Resource: CLOCKED_WAIT_RESOURCE, Parameters: parameters, ResultPath: null };
  });
}

/** `value` with every string equal to `from` replaced by `to`, at any depth. */
function replaceValue(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceValue(v, from, to));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceValue(v, from, to)]));
  return value;
}

function defaultExecutionName(): string {
  const time = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `local-${time}-${randomBytes(4).toString('hex')}`;
}

/** Replaces every `{"Fn::GetAtt": ["<Fn>LambdaFunction", "Arn"]}` by the function's ARN, as CloudFormation does. */
function resolveFunctionArns(config: WorkflowConfig, region: string): AslDefinition {
  const byLogicalId = new Map(config.functions.map((fn) => [fn.logicalId, fn]));
  const walk = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`));
    if (!value || typeof value !== 'object') return value;
    const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
    if (getAtt !== undefined) {
      const [logicalId, attribute] = Array.isArray(getAtt) ? getAtt : String(getAtt).split('.');
      const fn = byLogicalId.get(String(logicalId));
      if (!fn || attribute !== 'Arn') {
        const known = [...byLogicalId.keys()].join(', ') || 'none';
        throw new WorkflowDefinitionError(`${config.definitionFile} ${path}: Fn::GetAtt ${JSON.stringify(getAtt)} names no function of serverless/${config.workflow}.yml (known: ${known})`);
      }
      return localFunctionArn(fn, region);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, `${path}.${k}`)]));
  };
  return walk(config.definition, '$') as AslDefinition;
}

interface TaskFunction {
  fn: FunctionConfig;
  /** `arn:aws:states:::lambda:invoke`: the handler gets `Parameters.Payload`, the state gets `{ Payload }`. */
  integration: boolean;
  /** `arn:aws:states:::lambda:invoke.waitForTaskToken`: the state's result is what answers the token. */
  callback: boolean;
}

function taskFunctions(config: WorkflowConfig, definition: AslDefinition): Map<string, TaskFunction> {
  const byArn = new Map(config.functions.map((fn) => [localFunctionArn(fn, ''), fn]));
  const find = (arn: unknown) => (typeof arn === 'string' ? byArn.get(arn.replace(/^(arn:aws:lambda:)[^:]*/, '$1')) : undefined);
  const tasks = new Map<string, TaskFunction>();
  for (const [name, state] of allStates(definition)) {
    if (state.Type !== 'Task') continue;
    const direct = find(state.Resource);
    const callback = state.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken';
    const integration = state.Resource === 'arn:aws:states:::lambda:invoke' || callback;
    const fn = direct ?? (integration ? find(state.Parameters?.FunctionName) : undefined);
    if (!fn) {
      throw new WorkflowDefinitionError(
        `${config.definitionFile}: Task '${name}' must name one of serverless/${config.workflow}.yml's functions with {"Fn::GetAtt": ["<FunctionKey>LambdaFunction", "Arn"]}`,
      );
    }
    if (callback && !JSON.stringify(state.Parameters?.Payload ?? null).includes('"$$.Task.Token"')) {
      throw new WorkflowDefinitionError(`${config.definitionFile}: Task '${name}' waits for a task token but passes none: its Payload must hold "$$.Task.Token"`);
    }
    tasks.set(name, { fn, integration: !direct && integration, callback });
  }
  return tasks;
}

interface RawEvent {
  type: HistoryEventType;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  parentState?: { name: string };
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
  retry?: { attempt: number };
  index?: number;
}

function toHistoryEvent(raw: RawEvent, startedAt: number): HistoryEvent {
  const event: HistoryEvent = { type: raw.type, timestamp: raw.timestamp, elapsedMs: raw.timestamp - startedAt };
  if (raw.state) {
    event.state = raw.state.name;
    event.stateType = raw.state.type;
    event.input = raw.state.input;
    if ('output' in raw.state) event.output = raw.state.output;
  }
  if (raw.type === 'ExecutionStarted') event.input = raw.input;
  if (raw.type === 'ExecutionSucceeded') event.output = raw.output;
  if (raw.Error !== undefined) event.error = raw.Error;
  if (raw.Cause !== undefined) event.cause = typeof raw.Cause === 'string' ? raw.Cause : JSON.stringify(raw.Cause);
  if (raw.retry) event.retryAttempt = raw.retry.attempt;
  if (raw.index !== undefined) event.index = raw.index;
  if (raw.parentState) event.parentState = raw.parentState.name;
  return event;
}
