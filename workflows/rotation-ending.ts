/**
 * The shape every rotation workflow shares (docs/design.md, "The rotation protocol"): a first step
 * that validates and assesses, the dry run, the no-op, the rerun after promotion, then the
 * service's own steps, and one ending: notify and report a rotation; undo, notify and fail a
 * failed one; tell Slack (unless it was a dry run) why a rotation could not start or that another
 * one holds the lock. A workflow file gives only what is its own.
 */
import {
  catchAll,
  catchErrors,
  choice,
  fail,
  isTrue,
  machine,
  pass,
  task,
  type ChoiceRule,
  type Machine,
  type Parameters,
  type Path,
  type Retrier,
  type State,
  type TaskOptions,
} from './asl';
import type { StepResults } from '../src/notify/caught-failure';

/** Slack's own retryable failure (429, 5xx, timeout): the notifying steps try again a little later. */
export const SLACK_RETRY: Retrier = {
  ErrorEquals: ['SlackUnavailableError'],
  IntervalSeconds: 5,
  MaxAttempts: 3,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
};

/** The states of the shared ending, by name, for the workflow files and the handlers. */
export const ENDING = {
  dryRun: 'Is this a dry run?',
  plan: 'Report the plan',
  due: 'Is a rotation due?',
  noRotation: 'Report that no rotation is due',
  resume: 'Note the key this rotation already promoted',
  notifyRotated: 'Notify Slack of the rotation',
  notToldOfRotation: 'Note that Slack was not told',
  report: 'Report the rotation',
  undo: 'Undo the unfinished rotation',
  undoFailed: 'Note that the undo failed',
  notifyFailed: 'Notify Slack of the failure',
  couldNotStart: 'Note why the rotation could not start',
  wasDryRun: 'Was it a dry run?',
  notifyCouldNotStart: 'Notify Slack the rotation could not start',
  notifyInProgress: 'Notify Slack a rotation is already in progress',
  inProgress: 'Rotation already in progress',
  failed: 'Rotation failed',
  startNeedsApproval: 'Does starting need approval?',
  askToStart: 'Ask approval to start the rotation',
  retireNeedsApproval: 'Does retiring need approval?',
  askToRetire: 'Ask approval to retire the old credential',
  startNotApproved: 'Note that starting was not approved',
  retireNotApproved: 'Note that retiring was not approved',
} as const;

/** A step of the rotation proper: a Task whose failure goes to the undo, its result kept at `resultPath`. */
export function step(name: string, options: Omit<TaskOptions, 'catch' | 'resultPath'> & { readonly resultPath: Path }): State {
  return task(name, { ...options, catch: [catchAll(ENDING.undo, '$.failure')] });
}

export interface RotationWorkflow {
  readonly comment: string;
  /** The first step: validates the input and assesses; its result (with `config` and `assessment`) replaces the input. */
  readonly check: {
    readonly name: string;
    readonly fn: string;
    readonly comment: string;
    readonly alsoRetry?: readonly Retrier[];
  };
  /** What holds the lock a concurrent run finds: the credential's secret, or API Gateway's trust store. */
  readonly lock: 'secret' | 'trust store';
  /** When the assessment says no rotation is due, and what that run reports. */
  readonly noRotation: { readonly when: ChoiceRule; readonly report: Parameters };
  /** A rerun after promotion: when, the promotion it records (as the promoting step would), and the state it resumes at. */
  readonly resume?: { readonly when: ChoiceRule; readonly promotion: Parameters; readonly at: string };
  /** The service's own steps, in order (`step` and `wait`); the last one goes on to notifying Slack. */
  readonly steps: readonly State[];
  /** The step that starts retiring the old credential: with `approval` configured, the run waits for it before this step. */
  readonly retire: string;
  /** The function (`<prefix>AskApproval`) that asks Slack's approvers and keeps the task token. */
  readonly askApproval: { readonly fn: string };
  readonly notifyRotated: { readonly fn: string; readonly parameters: Parameters };
  /** Fields the report of an untold rotation carries beside `notified: false`. */
  readonly notToldExtra?: Parameters;
  readonly report: Parameters;
  readonly undo: {
    readonly fn: string;
    readonly comment: string;
    /** Passed beside `config`, before `failure`. */
    readonly alsoPass?: Parameters;
    readonly alsoRetry?: readonly Retrier[];
  };
  readonly notifyFailed: { readonly fn: string };
}


export interface RotationDefinition {
  readonly definition: Machine;
  /** The first state: the one that validates, whose failure means the rotation could not start. */
  readonly firstState: string;
  /** The states that leave a result, in execution order, with the field it lands in (failedStateOf). */
  readonly stepResults: StepResults;
}

export function rotationWorkflow(w: RotationWorkflow): RotationDefinition {
  const lock =
    w.lock === 'secret'
      ? { comment: 'Another execution holds the lock (its AWSPENDING version): leave everything to it.', holder: "this secret's" }
      : { comment: "Another execution holds the trust store's lock (its AWSPENDING version): leave everything to it.", holder: "the trust store's" };
  const firstStep = w.steps[0]?.name;
  if (!firstStep) throw new Error(`${w.check.name}: a rotation workflow needs at least one step`);
  const notify = (name: string, parameters: Parameters, resultPathOfFailure: Path, after: string, comment?: string): State =>
    task(name, {
      ...(comment ? { comment } : {}),
      fn: w.notifyFailed.fn,
      parameters,
      resultPath: '$.notification',
      alsoRetry: [SLACK_RETRY],
      catch: [catchAll(after, resultPathOfFailure)],
      next: after,
    });

  const retireAt = w.steps.findIndex((s) => s.name === w.retire);
  if (retireAt < 0) throw new Error(`${w.check.name}: the retire step '${w.retire}' is not one of the workflow's steps`);
  /** The approval gate: asks (the task token kept by the function), waits for the answer, or for the timeout; a rejection or timeout is undone like any failure. */
  const approvalGate = (question: string, ask: string, notApproved: string, gate: 'start' | 'retire', when: ChoiceRule, next: string): State[] => [
    choice(question, {
      comment: gate === 'start' ? 'approval.beforeStart: nothing is created before an approver says so.' : 'approval: the old credential stays until an approver says so.',
      choices: [{ ...when, Next: ask }],
      default: next,
    }),
    task(ask, {
      comment: `Slack gets Approve and Reject buttons; the run waits for one of approval.approvers (not whoever started it), at most approval.timeoutSeconds. Reject or timeout: the compensation path.`,
      fn: w.askApproval.fn,
      parameters: { 'config.$': '$.config', gate, 'executionArn.$': '$$.Execution.Id' },
      waitForTaskToken: { timeoutSecondsPath: '$.config.approval.timeoutSeconds' },
      alsoRetry: [SLACK_RETRY],
      resultPath: gate === 'start' ? '$.startApproval' : '$.retireApproval',
      catch: [catchAll(notApproved, '$.failure')],
      next,
    }),
    pass(notApproved, {
      comment: 'Rejected, timed out, or never asked: the failure report names this gate (no step result says so), then the undo.',
      result: ask,
      resultPath: '$.notApproved',
      next: ENDING.undo,
    }),
  ];
  const steps = [
    ...w.steps.slice(0, retireAt),
    ...approvalGate(ENDING.retireNeedsApproval, ENDING.askToRetire, ENDING.retireNotApproved, 'retire', { Variable: '$.config.approval', IsPresent: true }, w.retire),
    ...w.steps.slice(retireAt),
  ];

  const states: State[] = [
    task(w.check.name, {
      comment: w.check.comment,
      fn: w.check.fn,
      parameters: { 'input.$': '$', 'executionName.$': '$$.Execution.Name' },
      ...(w.check.alsoRetry ? { alsoRetry: w.check.alsoRetry } : {}),
      catch: [catchErrors(['RotationInProgressError'], ENDING.notifyInProgress, '$.failure'), catchAll(ENDING.couldNotStart)],
      next: ENDING.dryRun,
    }),
    choice(ENDING.dryRun, {
      comment: 'dryRun: report what the check found and end, writing nothing.',
      choices: [{ Variable: '$.config.dryRun', BooleanEquals: true, Next: ENDING.plan }],
      default: ENDING.due,
    }),
    pass(ENDING.plan, { comment: 'Built by the check from what it read: wouldRotate, reason, wouldDelete, wouldAlert.', outputPath: '$.plan', end: true }),
    choice(ENDING.due, {
      choices: [
        { ...w.noRotation.when, Next: ENDING.noRotation },
        ...(w.resume ? [{ ...w.resume.when, Next: ENDING.resume }] : []),
      ],
      default: ENDING.startNeedsApproval,
    }),
    ...approvalGate(ENDING.startNeedsApproval, ENDING.askToStart, ENDING.startNotApproved, 'start', isTrue('$.config.approval.beforeStart'), firstStep),
    pass(ENDING.noRotation, { parameters: { rotated: false, ...w.noRotation.report }, end: true }),
    ...(w.resume
      ? [pass(ENDING.resume, { comment: 'A rerun after promotion: only the retirement is left.', parameters: w.resume.promotion, resultPath: '$.promotion', next: w.resume.at })]
      : []),
    ...steps,
    task(ENDING.notifyRotated, {
      fn: w.notifyRotated.fn,
      parameters: { ...w.notifyRotated.parameters, 'executionArn.$': '$$.Execution.Id' },
      resultPath: '$.notification',
      alsoRetry: [SLACK_RETRY],
      catch: [catchAll(ENDING.notToldOfRotation, '$.notificationFailure')],
      next: ENDING.report,
    }),
    pass(ENDING.notToldOfRotation, {
      comment: 'The rotation itself succeeded: nothing to undo.',
      parameters: { notified: false, ...w.notToldExtra, 'error.$': '$.notificationFailure.Error' },
      resultPath: '$.notification',
      next: ENDING.report,
    }),
    pass(ENDING.report, { parameters: { rotated: true, ...w.report, 'notified.$': '$.notification.notified' }, end: true }),
    task(ENDING.undo, {
      comment: w.undo.comment,
      fn: w.undo.fn,
      parameters: { 'config.$': '$.config', ...w.undo.alsoPass, 'failure.$': '$.failure', 'progress.$': '$', 'executionName.$': '$$.Execution.Name', 'executionArn.$': '$$.Execution.Id' },
      resultPath: '$.compensation',
      ...(w.undo.alsoRetry ? { alsoRetry: w.undo.alsoRetry } : {}),
      catch: [catchAll(ENDING.undoFailed, '$.compensationFailure')],
      next: ENDING.notifyFailed,
    }),
    pass(ENDING.undoFailed, {
      parameters: {
        failedState: 'unknown (the undo failed too)',
        undone: [],
        kept: ['the undo itself failed: rerun with the same rotationId or clean up by hand'],
        'undoError.$': '$.compensationFailure.Error',
      },
      resultPath: '$.compensation',
      next: ENDING.notifyFailed,
    }),
    notify(
      ENDING.notifyFailed,
      { 'executionName.$': '$$.Execution.Name', 'executionArn.$': '$$.Execution.Id', 'config.$': '$.config', 'failure.$': '$.failure', 'compensation.$': '$.compensation' },
      '$.notificationFailure',
      ENDING.failed,
    ),
    pass(ENDING.couldNotStart, {
      comment: 'The input may not even be an object (then no ResultPath could add to it): keep the error, and the request as it came.',
      parameters: { 'failure.$': '$', 'request.$': '$$.Execution.Input' },
      next: ENDING.wasDryRun,
    }),
    choice(ENDING.wasDryRun, {
      comment: 'A dry run writes nothing, Slack included: its failure is the execution\'s own, for whoever started it (keyturn plan prints it).',
      choices: [
{ ...isTrue('$.request.dryRun'), Next: ENDING.failed }
      ],
      default: ENDING.notifyCouldNotStart,
    }),
    notify(
      ENDING.notifyCouldNotStart,
      { 'executionName.$': '$$.Execution.Name', 'executionArn.$': '$$.Execution.Id', 'failure.$': '$.failure', 'request.$': '$.request' },
      '$.notificationFailure',
      ENDING.failed,
      'Nothing was changed, so nothing to undo.',
    ),
    notify(
      ENDING.notifyInProgress,
      { 'executionName.$': '$$.Execution.Name', 'failure.$': '$.failure', 'request.$': '$' },
      '$.notificationFailure',
      ENDING.inProgress,
      lock.comment,
    ),
    fail(ENDING.inProgress, {
      error: 'RotationInProgressError',
      cause: `rotation in progress: another execution holds ${lock.holder} AWSPENDING version; nothing was changed`,
    }),
    fail(ENDING.failed, { errorPath: '$.failure.Error', causePath: '$.failure.Cause' }),
  ];

  const stepResults: StepResults = [
    [w.check.name, 'assessment'],
    ...w.steps.flatMap((s): StepResults => (s.type === 'Task' && typeof s.options.resultPath === 'string' ? [[s.name, s.options.resultPath.slice(2)]] : [])),
  ];
  return { definition: machine(w.comment, states), firstState: w.check.name, stepResults };
}
