/**
 * Step Functions (awsJson1_0, `X-Amz-Target: AWSStepFunctions.<Op>`): state machines and
 * executions, enough for `keyturn run` (deployed mode) and `keyturn status` to be tested
 * without an account. Running a definition is not the simulator's job: whoever starts the
 * simulator injects an executor (`startSimulator({ executor })`); the simulator records what
 * it reports as AWS-shaped history events. Without an executor, StartExecution fails.
 *
 * Shapes follow the Step Functions API reference (CreateStateMachine, StartExecution,
 * DescribeExecution, GetExecutionHistory, ListExecutions, ListStateMachines, and the callback
 * pattern's SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat on the executor's task tokens:
 * stepfunctions-tokens.ts).
 */
import { randomUUID } from 'node:crypto';
import { AwsError, type ServiceModule, type SimContext, type SimResponse } from '../protocol';
import { slice } from '../state';
import { closeTaskToken, heartbeatTaskToken, type TaskTokenAnswer } from './stepfunctions-tokens';
import { awsJson, epochSeconds, readJsonInput, renderAwsJsonError, routeByTarget, type JsonInput } from '../aws-json';

const TARGET_PREFIX = 'AWSStepFunctions.';
const OPERATIONS = new Set([
  'CreateStateMachine',
  'ListStateMachines',
  'StartExecution',
  'DescribeExecution',
  'GetExecutionHistory',
  'ListExecutions',
  'SendTaskSuccess',
  'SendTaskFailure',
  'SendTaskHeartbeat',
]);
/** State machine and execution names: 1-80 characters, no whitespace, brackets, wildcards or control characters. */
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
const MAX_INPUT_BYTES = 262_144;

export interface ExecutionRequest {
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
  stateMachineName: string;
  /** The definition given to CreateStateMachine (ASL JSON text). */
  definition: string;
  input: unknown;
}

/** One thing that happened in a running execution, as the executor reports it. */
export interface ExecutionStep {
  kind: 'entered' | 'exited' | 'failed' | 'retried' | 'caught';
  state: string;
  /** ASL state type: Task, Choice, Wait, Pass, Succeed, Fail, Parallel, Map. */
  stateType: string;
  error?: string;
  cause?: string;
}

export interface ExecutionOutcome {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  output?: unknown;
  error?: string;
  cause?: string;
}

/** Runs one execution; called by StartExecution, which answers before the run ends. */
export type StateMachineExecutor = (request: ExecutionRequest, onStep: (step: ExecutionStep) => void) => Promise<ExecutionOutcome>;

interface MachineRecord {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: number;
}

interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'RUNNING' | ExecutionOutcome['status'];
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  events: HistoryEvent[];
}

interface StatesState {
  machines: Record<string, MachineRecord>;
  executions: Record<string, ExecutionRecord>;
}

type Input = JsonInput;

const statesState = (ctx: SimContext) => slice<StatesState>(ctx.state, 'states', () => ({ machines: {}, executions: {} }));

export function stepFunctions(executor?: StateMachineExecutor): ServiceModule {
  return {
    service: 'states',
    ...routeByTarget(TARGET_PREFIX, OPERATIONS),
    handle(operation, req, ctx) {
      const input = readJsonInput(req);
      switch (operation) {
        case 'CreateStateMachine':
          return createStateMachine(input, ctx);
        case 'ListStateMachines':
          return listStateMachines(ctx);
        case 'StartExecution':
          return startExecution(input, ctx, executor);
        case 'DescribeExecution':
          return describeExecution(input, ctx);
        case 'GetExecutionHistory':
          return getExecutionHistory(input, ctx);
        case 'ListExecutions':
          return listExecutions(input, ctx);
        case 'SendTaskSuccess':
        case 'SendTaskFailure':
        case 'SendTaskHeartbeat':
          return sendTask(operation, input);
        default:
          throw new AwsError('UnknownOperationException', 400, `operation ${operation} is not simulated`);
      }
    },
    renderError: (error) => renderAwsJsonError('1.0', error),
    throttlingError: () => new AwsError('ThrottlingException', 400, 'Rate exceeded'),
    resourceOf(_operation, req) {
      const input = readJsonInput(req);
      const arn = input.executionArn ?? input.stateMachineArn;
      return typeof arn === 'string' ? arn : undefined;
    },
  };
}

function createStateMachine(input: Input, ctx: SimContext): SimResponse {
  const name = requiredString(input, 'name');
  if (!NAME.test(name)) throw new AwsError('InvalidName', 400, `Invalid Name: '${name}'`);
  const definition = requiredString(input, 'definition');
  const roleArn = requiredString(input, 'roleArn');
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleArn)) throw new AwsError('InvalidArn', 400, `Invalid Arn: 'Resource type not valid in this context: ${roleArn}'`);
  const type = input.type ?? 'STANDARD';
  if (type !== 'STANDARD' && type !== 'EXPRESS') throw validation(`Value '${String(type)}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`);
  let parsed: { StartAt?: unknown; States?: unknown };
  try {
    parsed = JSON.parse(definition) as typeof parsed;
  } catch {
    throw new AwsError('InvalidDefinition', 400, "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION'");
  }
  if (typeof parsed.StartAt !== 'string' || !parsed.States || typeof parsed.States !== 'object') {
    throw new AwsError('InvalidDefinition', 400, "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field \"StartAt\" and \"States\" are required'");
  }
  const store = statesState(ctx);
  const stateMachineArn = `arn:aws:states:${ctx.state.region}:${ctx.state.accountId}:stateMachine:${name}`;
  const existing = store.machines[stateMachineArn];
  if (existing) {
    // Idempotent when everything matches; otherwise the name is taken.
    if (existing.definition === definition && existing.roleArn === roleArn && existing.type === type) {
      return awsJson('1.0', 200, { stateMachineArn, creationDate: epochSeconds(existing.creationDate) });
    }
    throw new AwsError('StateMachineAlreadyExists', 400, `State Machine Already Exists: '${stateMachineArn}'`);
  }
  const record: MachineRecord = { stateMachineArn, name, definition, roleArn, type, creationDate: ctx.now() };
  store.machines[stateMachineArn] = record;
  return awsJson('1.0', 200, { stateMachineArn, creationDate: epochSeconds(record.creationDate) });
}

function listStateMachines(ctx: SimContext): SimResponse {
  const machines = Object.values(statesState(ctx).machines).sort((a, b) => a.name.localeCompare(b.name));
  return awsJson('1.0', 200, {
    stateMachines: machines.map((m) => ({ stateMachineArn: m.stateMachineArn, name: m.name, type: m.type, creationDate: epochSeconds(m.creationDate) })),
  });
}

function startExecution(input: Input, ctx: SimContext, executor: StateMachineExecutor | undefined): SimResponse {
  const machine = findMachine(ctx, requiredString(input, 'stateMachineArn'));
  const name = input.name === undefined ? randomUUID() : requiredString(input, 'name');
  if (!NAME.test(name)) throw new AwsError('InvalidName', 400, `Invalid Name: '${name}'`);
  const inputText = input.input === undefined ? '{}' : requiredString(input, 'input');
  if (Buffer.byteLength(inputText) > MAX_INPUT_BYTES) throw validation('Value at \'input\' failed to satisfy constraint: Member must have length less than or equal to 262144');
  let parsedInput: unknown;
  try {
    parsedInput = JSON.parse(inputText);
  } catch {
    throw new AwsError('InvalidExecutionInput', 400, 'Invalid execution input: not valid JSON');
  }
  const store = statesState(ctx);
  const executionArn = `arn:aws:states:${ctx.state.region}:${ctx.state.accountId}:execution:${machine.name}:${name}`;
  const existing = store.executions[executionArn];
  if (existing) {
    // Standard workflows: the same name and input while running is idempotent; anything else is a conflict.
    if (existing.status === 'RUNNING' && existing.input === inputText) return awsJson('1.0', 200, { executionArn, startDate: epochSeconds(existing.startDate) });
    throw new AwsError('ExecutionAlreadyExists', 400, `Execution Already Exists: '${executionArn}'`);
  }
  if (!executor) throw new AwsError('ServiceUnavailable', 503, 'this simulator was started without an executor: it cannot run state machines');

  const execution: ExecutionRecord = { executionArn, stateMachineArn: machine.stateMachineArn, name, status: 'RUNNING', startDate: ctx.now(), input: inputText, events: [] };
  store.executions[executionArn] = execution;
  const record = (type: string, details: Record<string, unknown> = {}) => {
    const id = execution.events.length + 1;
    execution.events.push({ id, previousEventId: id - 1, timestamp: ctx.now(), type, ...details });
  };
  record('ExecutionStarted', { executionStartedEventDetails: { input: inputText, inputDetails: { truncated: false }, roleArn: machine.roleArn } });

  const onStep = (step: ExecutionStep) => {
    if (execution.status !== 'RUNNING') return;
    recordStep(step, record);
  };
  const finish = (outcome: ExecutionOutcome) => {
    if (execution.status !== 'RUNNING') return;
    execution.status = outcome.status;
    execution.stopDate = ctx.now();
    if (outcome.status === 'SUCCEEDED') {
      execution.output = JSON.stringify(outcome.output ?? null);
      record('ExecutionSucceeded', { executionSucceededEventDetails: { output: execution.output, outputDetails: { truncated: false } } });
    } else {
      execution.error = outcome.error ?? `States.${outcome.status === 'TIMED_OUT' ? 'Timeout' : 'Runtime'}`;
      if (outcome.cause !== undefined) execution.cause = outcome.cause;
      const type = { FAILED: 'ExecutionFailed', TIMED_OUT: 'ExecutionTimedOut', ABORTED: 'ExecutionAborted' }[outcome.status];
      const key = { FAILED: 'executionFailedEventDetails', TIMED_OUT: 'executionTimedOutEventDetails', ABORTED: 'executionAbortedEventDetails' }[outcome.status];
      record(type, { [key]: { error: execution.error, ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}) } });
    }
    ctx.persist();
  };
  // The run starts after this response is sent, as on AWS.
  setImmediate(() => {
    executor({ executionArn, executionName: name, stateMachineArn: machine.stateMachineArn, stateMachineName: machine.name, definition: machine.definition, input: parsedInput }, onStep)
      .then(finish)
      .catch((error: unknown) => finish({ status: 'FAILED', error: 'States.Runtime', cause: (error as Error)?.message ?? String(error) }));
  });
  return awsJson('1.0', 200, { executionArn, startDate: epochSeconds(execution.startDate) });
}

/** AWS's event types: `<Type>StateEntered`/`Exited`, `TaskScheduled`, `TaskFailed` (a retry is a new TaskScheduled). */
function recordStep(step: ExecutionStep, record: (type: string, details?: Record<string, unknown>) => void): void {
  const prefix = step.stateType;
  const failure = { ...(step.error !== undefined ? { error: step.error } : {}), ...(step.cause !== undefined ? { cause: step.cause } : {}) };
  const task = { resourceType: 'lambda', resource: 'invoke' };
  switch (step.kind) {
    case 'entered':
      record(`${prefix}StateEntered`, { stateEnteredEventDetails: { name: step.state } });
      if (prefix === 'Task') record('TaskScheduled', { taskScheduledEventDetails: { ...task, region: 'local', parameters: '{}' } });
      break;
    case 'retried':
      record('TaskScheduled', { taskScheduledEventDetails: { ...task, region: 'local', parameters: '{}' } });
      break;
    case 'failed':
      // A Task that timed out (a callback never answered) is TaskTimedOut, as SendTaskHeartbeat's documentation says.
      if (prefix === 'Task' && (step.error === 'States.Timeout' || step.error === 'States.HeartbeatTimeout')) record('TaskTimedOut', { taskTimedOutEventDetails: { ...task, ...failure } });
      else if (prefix === 'Task') record('TaskFailed', { taskFailedEventDetails: { ...task, ...failure } });
      else if (prefix === 'Map' || prefix === 'Parallel') record(`${prefix}StateFailed`, {});
      break;
    case 'exited':
      if (prefix === 'Task') record('TaskSucceeded', { taskSucceededEventDetails: { ...task } });
      record(`${prefix}StateExited`, { stateExitedEventDetails: { name: step.state } });
      break;
    case 'caught':
      record(`${prefix}StateExited`, { stateExitedEventDetails: { name: step.state } });
      break;
  }
}

/**
 * The callback pattern's answers. A token never issued is InvalidToken; one already closed (by
 * another answer, or its Task's timeout) is TaskTimedOut, so two answers to one token settle it
 * once. SendTaskSuccess's output must be JSON of at most 256 KiB; SendTaskFailure's error is at
 * most 256 characters and its cause 32,768.
 */
function sendTask(operation: 'SendTaskSuccess' | 'SendTaskFailure' | 'SendTaskHeartbeat', input: Input): SimResponse {
  const token = requiredString(input, 'taskToken');
  if (token.length > 2048) throw validation("Value at 'taskToken' failed to satisfy constraint: Member must have length less than or equal to 2048");
  let answer: TaskTokenAnswer;
  if (operation === 'SendTaskSuccess') {
    const outputText = requiredString(input, 'output');
    if (Buffer.byteLength(outputText) > MAX_INPUT_BYTES) throw validation("Value at 'output' failed to satisfy constraint: Member must have length less than or equal to 262144");
    let output: unknown;
    try {
      output = JSON.parse(outputText);
    } catch {
      throw new AwsError('InvalidOutput', 400, 'Invalid Output: not valid JSON');
    }
    answer = closeTaskToken(token, { kind: 'success', output });
  } else if (operation === 'SendTaskFailure') {
    const error = optionalString(input, 'error', 256);
    const cause = optionalString(input, 'cause', 32_768);
    answer = closeTaskToken(token, { kind: 'failure', ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) });
  } else {
    answer = heartbeatTaskToken(token);
  }
  if (answer === 'unknown') throw new AwsError('InvalidToken', 400, 'Invalid Token: the provided token is not valid');
  if (answer === 'closed') throw new AwsError('TaskTimedOut', 400, 'Task Timed Out: the task token has either expired or the task associated with the token has already been closed');
  return awsJson('1.0', 200, {});
}

function optionalString(input: Input, field: string, max: number): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(`Value at '${field}' failed to satisfy constraint: Member must be a string`);
  if (value.length > max) throw validation(`Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
  return value;
}

function describeExecution(input: Input, ctx: SimContext): SimResponse {
  const e = findExecution(ctx, requiredString(input, 'executionArn'));
  return awsJson('1.0', 200, {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epochSeconds(e.startDate),
    ...(e.stopDate !== undefined ? { stopDate: epochSeconds(e.stopDate) } : {}),
    input: e.input,
    inputDetails: { included: true },
    ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
    ...(e.cause !== undefined ? { cause: e.cause } : {}),
  });
}

function getExecutionHistory(input: Input, ctx: SimContext): SimResponse {
  const e = findExecution(ctx, requiredString(input, 'executionArn'));
  const maxResults = pageSize(input.maxResults);
  const includeData = input.includeExecutionData !== false;
  const ordered = input.reverseOrder === true ? [...e.events].reverse() : e.events;
  const start = tokenOffset(input.nextToken);
  const page = ordered.slice(start, start + maxResults).map((event) => render(event, includeData));
  const next = start + maxResults < ordered.length ? Buffer.from(String(start + maxResults)).toString('base64') : undefined;
  return awsJson('1.0', 200, { events: page, ...(next ? { nextToken: next } : {}) });
}

/** includeExecutionData: false drops inputs and outputs, as on AWS. */
function render(event: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...event, timestamp: epochSeconds(event.timestamp) };
  if (includeData) return out;
  for (const [key, value] of Object.entries(out)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') {
      const { input: _input, output: _output, ...rest } = value as Record<string, unknown>;
      out[key] = rest;
    }
  }
  return out;
}

function listExecutions(input: Input, ctx: SimContext): SimResponse {
  const machine = findMachine(ctx, requiredString(input, 'stateMachineArn'));
  const status = input.statusFilter;
  const maxResults = pageSize(input.maxResults);
  const all = Object.values(statesState(ctx).executions)
    .filter((e) => e.stateMachineArn === machine.stateMachineArn && (status === undefined || e.status === status))
    .sort((a, b) => b.startDate - a.startDate);
  const start = tokenOffset(input.nextToken);
  const page = all.slice(start, start + maxResults);
  const next = start + maxResults < all.length ? Buffer.from(String(start + maxResults)).toString('base64') : undefined;
  return awsJson('1.0', 200, {
    executions: page.map((e) => ({
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: epochSeconds(e.startDate),
      ...(e.stopDate !== undefined ? { stopDate: epochSeconds(e.stopDate) } : {}),
    })),
    ...(next ? { nextToken: next } : {}),
  });
}

function findMachine(ctx: SimContext, arn: string): MachineRecord {
  if (!/^arn:aws[a-z-]*:states:[^:]+:\d{12}:stateMachine:[^:]+$/.test(arn)) throw new AwsError('InvalidArn', 400, `Invalid Arn: '${arn}'`);
  const machine = statesState(ctx).machines[arn];
  if (!machine) throw new AwsError('StateMachineDoesNotExist', 400, `State Machine Does Not Exist: '${arn}'`);
  return machine;
}

function findExecution(ctx: SimContext, arn: string): ExecutionRecord {
  if (!/^arn:aws[a-z-]*:states:[^:]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) throw new AwsError('InvalidArn', 400, `Invalid Arn: '${arn}'`);
  const execution = statesState(ctx).executions[arn];
  if (!execution) throw new AwsError('ExecutionDoesNotExist', 400, `Execution Does Not Exist: '${arn}'`);
  return execution;
}

function pageSize(value: unknown): number {
  if (value === undefined || value === 0) return 100;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1000) {
    throw validation(`Value '${String(value)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  }
  return value;
}

function tokenOffset(token: unknown): number {
  if (token === undefined) return 0;
  const offset = typeof token === 'string' ? Number(Buffer.from(token, 'base64').toString('utf8')) : NaN;
  if (!Number.isInteger(offset) || offset < 0) throw new AwsError('InvalidToken', 400, `Invalid Token: '${String(token)}'`);
  return offset;
}

function requiredString(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') throw validation(`Value at '${field}' failed to satisfy constraint: Member must not be null`);
  return value;
}

const validation = (message: string) => new AwsError('ValidationException', 400, `1 validation error detected: ${message}`);

