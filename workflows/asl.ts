/**
 * A small typed builder for the JSONPath ASL keyturn's state machines are written in.
 *
 * Each workflow is an ordered list of states (`machine`): the first is where it starts, and a Task,
 * Pass or Wait that names no `next` and does not `end` goes on to the state listed after it, so
 * the list reads as the runbook. Every Task retries the transient errors (`TRANSIENT_RETRY`)
 * unless its workflow gives it another policy. The builder writes each state's fields in one
 * fixed order, so `npm run build:workflows` turns these definitions into the committed
 * `state-machines/<workflow>.asl.json`, the one file the deploy and the local runner read.
 */

/** A JSONPath into the state (`$.…`), the context object (`$$.…`), or the state itself (`$`). */
export type Path = `$${string}`;
/** `Parameters` / `ItemSelector`: keys ending in `.$` take a path. */
export type Parameters = Readonly<Record<string, unknown>>;

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly MaxAttempts: number;
  readonly BackoffRate: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy: 'FULL' | 'NONE';
}

/** The errors a Lambda invocation itself may fail with, before or after the function ran. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * The shared transient policy: keyturn's own TransientAwsError (src/errors.ts), Lambda's service
 * errors, and throttling as the SDKs name it, five times within about a minute.
 */
export const TRANSIENT_RETRY: Retrier = {
  ErrorEquals: ['TransientAwsError', ...LAMBDA_SERVICE_ERRORS, 'ThrottlingException', 'Throttling', 'ServiceUnavailable'],
  IntervalSeconds: 1,
  MaxAttempts: 5,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};

export interface Catcher {
  readonly errors: readonly string[];
  /** Where the error lands; without it the error replaces the state. */
  readonly resultPath?: Path;
  readonly next: string;
}

/** Catch every error into `resultPath` and go to `next`. */
export function catchAll(next: string, resultPath?: Path): Catcher {
  return { errors: ['States.ALL'], next, ...(resultPath ? { resultPath } : {}) };
}

/** Catch the named errors into `resultPath` and go to `next`. */
export function catchErrors(errors: readonly string[], next: string, resultPath?: Path): Catcher {
  return { errors, next, ...(resultPath ? { resultPath } : {}) };
}

/** How a state ends: the next state by name, the end of the machine, or (neither) the state listed after it. */
interface Flow {
  readonly next?: string;
  readonly end?: true;
}

interface Common {
  readonly comment?: string;
}

export interface TaskOptions extends Common, Flow {
  /** The function's key in `serverless/<workflow>.yml`, e.g. `lightsailCreateAndStoreKey`. */
  readonly fn: string;
  readonly parameters?: Parameters;
  /** `null` discards the result; without it the result replaces the state. */
  readonly resultPath?: Path | null;
  /** Replaces the shared transient policy (the expiry workflows keep their own). */
  readonly retry?: readonly Retrier[];
  /** Added after the policy: a step's own retryable errors (a conflicting ETag, Slack 5xx). */
  readonly alsoRetry?: readonly Retrier[];
  readonly catch?: readonly Catcher[];
  /**
   * The callback pattern: the function is invoked with `parameters` and the task token
   * (`taskToken`), and the Task waits until SendTaskSuccess (its output is the result) or
   * SendTaskFailure answers it, or fails with States.Timeout after the seconds at `timeoutSecondsPath`.
   */
  readonly waitForTaskToken?: { readonly timeoutSecondsPath: Path };
}

export interface PassOptions extends Common, Flow {
  readonly parameters?: Parameters;
  readonly result?: unknown;
  readonly resultPath?: Path | null;
  readonly outputPath?: Path;
}

export interface WaitOptions extends Common, Flow {
  readonly secondsPath: Path;
}

export interface ChoiceRule {
  readonly [field: string]: unknown;
}

export interface ChoiceOptions extends Common {
  readonly choices: readonly (ChoiceRule & { readonly Next: string })[];
  readonly default: string;
}

export interface FailOptions extends Common {
  readonly error?: string;
  readonly cause?: string;
  readonly errorPath?: Path;
  readonly causePath?: Path;
}

export interface MapOptions extends Common, Flow {
  readonly itemsPath: Path;
  readonly itemSelector?: Parameters;
  readonly maxConcurrency?: number;
  /** The states each item runs through (inline), listed as a machine's are. */
  readonly iterator: readonly State[];
  readonly resultPath?: Path | null;
  readonly catch?: readonly Catcher[];
}

/** One state of a machine before it is written: its name, its type, and its options. */
export type State =
  | { readonly name: string; readonly type: 'Task'; readonly options: TaskOptions }
  | { readonly name: string; readonly type: 'Pass'; readonly options: PassOptions }
  | { readonly name: string; readonly type: 'Wait'; readonly options: WaitOptions }
  | { readonly name: string; readonly type: 'Choice'; readonly options: ChoiceOptions }
  | { readonly name: string; readonly type: 'Fail'; readonly options: FailOptions }
  | { readonly name: string; readonly type: 'Map'; readonly options: MapOptions };

export const task = (name: string, options: TaskOptions): State => ({ name, type: 'Task', options });
export const pass = (name: string, options: PassOptions): State => ({ name, type: 'Pass', options });
export const wait = (name: string, options: WaitOptions): State => ({ name, type: 'Wait', options });
export const choice = (name: string, options: ChoiceOptions): State => ({ name, type: 'Choice', options });
export const fail = (name: string, options: FailOptions): State => ({ name, type: 'Fail', options });
export const map = (name: string, options: MapOptions): State => ({ name, type: 'Map', options });

/** A Choice rule: the field is present, a boolean, and true (a field that may be absent or of any type). */
export function isTrue(variable: Path): ChoiceRule {
  return {
    And: [
      { Variable: variable, IsPresent: true },
      { Variable: variable, IsBoolean: true },
      { Variable: variable, BooleanEquals: true },
    ],
  };
}

/** serverless's logical id of a function key: first letter upper-cased, '-' → 'Dash', '_' → 'Underscore'. */
export function lambdaLogicalId(functionKey: string): string {
  const normalized = functionKey.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalized.charAt(0).toUpperCase()}${normalized.slice(1)}LambdaFunction`;
}

/** The written ASL: plain JSON. */
export type AslJson = { readonly [field: string]: unknown };

export interface Machine {
  readonly comment: string;
  readonly states: readonly State[];
}

export class WorkflowDefinitionError extends Error {
  override readonly name = 'WorkflowDefinitionError';
}

/** A machine from its comment and its states in runbook order; the first state is where it starts. */
export function machine(comment: string, states: readonly State[]): Machine {
  return { comment, states };
}

/** The name of the state a machine starts at. */
export function startOf(definition: Machine): string {
  const first = definition.states[0];
  if (!first) throw new WorkflowDefinitionError('a machine needs at least one state');
  return first.name;
}

/** The machine as ASL JSON, checked: unique names, every `next` and catch target exists, every state reachable. */
export function toAsl(definition: Machine): AslJson {
  return { Comment: definition.comment, ...statesOf(definition.states, 'the machine') };
}

function statesOf(states: readonly State[], where: string): { StartAt: string; States: Record<string, AslJson> } {
  const names = new Set<string>();
  for (const state of states) {
    if (names.has(state.name)) throw new WorkflowDefinitionError(`${where}: state '${state.name}' is listed twice`);
    names.add(state.name);
  }
  const written: Record<string, AslJson> = {};
  states.forEach((state, index) => {
    const following = states[index + 1]?.name;
    written[state.name] = write(state, following, `${where}, state '${state.name}'`);
  });
  const start = states[0]?.name;
  if (!start) throw new WorkflowDefinitionError(`${where} has no states`);
  checkTargets(written, names, where);
  checkReachable(written, start, where);
  return { StartAt: start, States: written };
}

function write(state: State, following: string | undefined, where: string): AslJson {
  switch (state.type) {
    case 'Task': {
      const o = state.options;
      const fn = { 'Fn::GetAtt': [lambdaLogicalId(o.fn), 'Arn'] };
      const invocation = o.waitForTaskToken
        ? {
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: fn, Payload: { ...o.parameters, 'taskToken.$': '$$.Task.Token' } },
            TimeoutSecondsPath: o.waitForTaskToken.timeoutSecondsPath,
          }
        : { Resource: fn, ...defined('Parameters', o.parameters) };
      return {
        Type: 'Task',
        ...commentOf(o),
        ...invocation,
        ...defined('ResultPath', o.resultPath),
        Retry: [...(o.retry ?? [TRANSIENT_RETRY]), ...(o.alsoRetry ?? [])].map(writeRetrier),
        ...catchesOf(o.catch),
        ...flowOf(o, following, where),
      };
    }
    case 'Pass': {
      const o = state.options;
      return {
        Type: 'Pass',
        ...commentOf(o),
        ...defined('Parameters', o.parameters),
        ...defined('Result', o.result),
        ...defined('ResultPath', o.resultPath),
        ...defined('OutputPath', o.outputPath),
        ...flowOf(o, following, where),
      };
    }
    case 'Wait': {
      const o = state.options;
      return { Type: 'Wait', ...commentOf(o), SecondsPath: o.secondsPath, ...flowOf(o, following, where) };
    }
    case 'Choice': {
      const o = state.options;
      return { Type: 'Choice', ...commentOf(o), Choices: o.choices, Default: o.default };
    }
    case 'Fail': {
      const o = state.options;
      if ((o.error === undefined) === (o.errorPath === undefined)) throw new WorkflowDefinitionError(`${where}: a Fail state needs exactly one of error and errorPath`);
      return {
        Type: 'Fail',
        ...commentOf(o),
        ...defined('Error', o.error),
        ...defined('Cause', o.cause),
        ...defined('ErrorPath', o.errorPath),
        ...defined('CausePath', o.causePath),
      };
    }
    case 'Map': {
      const o = state.options;
      return {
        Type: 'Map',
        ...commentOf(o),
        ItemsPath: o.itemsPath,
        ...defined('ItemSelector', o.itemSelector),
        ...defined('MaxConcurrency', o.maxConcurrency),
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...statesOf(o.iterator, `${where}'s item processor`) },
        ...defined('ResultPath', o.resultPath),
        ...catchesOf(o.catch),
        ...flowOf(o, following, where),
      };
    }
  }
}

function commentOf(o: Common): AslJson {
  return o.comment === undefined ? {} : { Comment: o.comment };
}

function defined(field: string, value: unknown): AslJson {
  return value === undefined ? {} : { [field]: value };
}

function writeRetrier(r: Retrier): AslJson {
  return {
    ErrorEquals: r.ErrorEquals,
    IntervalSeconds: r.IntervalSeconds,
    MaxAttempts: r.MaxAttempts,
    BackoffRate: r.BackoffRate,
    ...defined('MaxDelaySeconds', r.MaxDelaySeconds),
    JitterStrategy: r.JitterStrategy,
  };
}

function catchesOf(catchers: readonly Catcher[] | undefined): AslJson {
  if (!catchers?.length) return {};
  return { Catch: catchers.map((c) => ({ ErrorEquals: c.errors, ...defined('ResultPath', c.resultPath), Next: c.next })) };
}

function flowOf(o: Flow, following: string | undefined, where: string): AslJson {
  if (o.end && o.next !== undefined) throw new WorkflowDefinitionError(`${where}: a state either ends or names its next state, not both`);
  if (o.end) return { End: true };
  const next = o.next ?? following;
  if (next === undefined) throw new WorkflowDefinitionError(`${where}: the last state listed must end (end: true) or name its next state`);
  return { Next: next };
}

function targetsOf(state: AslJson): string[] {
  const targets: string[] = [];
  if (typeof state['Next'] === 'string') targets.push(state['Next']);
  if (typeof state['Default'] === 'string') targets.push(state['Default']);
  for (const rule of (state['Choices'] as { Next: string }[] | undefined) ?? []) targets.push(rule.Next);
  for (const c of (state['Catch'] as { Next: string }[] | undefined) ?? []) targets.push(c.Next);
  return targets;
}

function checkTargets(states: Record<string, AslJson>, names: Set<string>, where: string): void {
  for (const [name, state] of Object.entries(states)) {
    for (const target of targetsOf(state)) {
      if (!names.has(target)) throw new WorkflowDefinitionError(`${where}, state '${name}': goes to '${target}', which is not one of its states`);
    }
  }
}

function checkReachable(states: Record<string, AslJson>, start: string, where: string): void {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    for (const target of targetsOf(states[name] ?? {})) {
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  const unreachable = Object.keys(states).filter((name) => !seen.has(name));
  if (unreachable.length) throw new WorkflowDefinitionError(`${where}: no path leads to ${unreachable.map((n) => `'${n}'`).join(', ')}`);
}

/** The file `npm run build:workflows` writes: two-space JSON and a final newline. */
export function aslFileText(definition: Machine): string {
  return `${JSON.stringify(toAsl(definition), null, 2)}\n`;
}
