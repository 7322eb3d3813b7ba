/**
 * The local runner as the simulator's Step Functions executor: `startSimulator({ executor:
 * runnerExecutor() })` makes StartExecution run the workflow's state-machine file with its
 * handlers, reporting each state event as history. The state machine is matched to its workflow
 * by name (`keyturn-<workflow>-<stage>`, as serverless/<workflow>.yml names it, or the bare
 * workflow name): the runner runs the file in state-machines/, which is what was deployed.
 */
import type { ExecutionStep, StateMachineExecutor } from './sim/services/stepfunctions';
import { listWorkflows, runWorkflow, type ProgressEvent, type RunOptions } from './runner';

export interface RunnerExecutorOptions {
  root?: string;
  /** Every Wait passes at once (default true: a simulated grace period should not take a day). */
  skipWaits?: boolean;
  /** A simulated clock the Waits move on instead (keyturn up: src/local/stack/clock.ts). */
  clock?: RunOptions['clock'];
}

export function workflowOfStateMachine(stateMachineName: string, workflows: string[]): string | undefined {
  return [...workflows].sort((a, b) => b.length - a.length).find((w) => stateMachineName === w || stateMachineName.startsWith(`keyturn-${w}-`) || stateMachineName === `keyturn-${w}`);
}

export function runnerExecutor(options: RunnerExecutorOptions = {}): StateMachineExecutor {
  const root = options.root ?? process.cwd();
  return async (request, onStep) => {
    const workflow = workflowOfStateMachine(request.stateMachineName, listWorkflows(root));
    if (!workflow) return { status: 'FAILED', error: 'States.Runtime', cause: `no workflow under ${root} matches state machine ${request.stateMachineName}` };
    const result = await runWorkflow(workflow, request.input, {
      root,
      skipWaits: options.skipWaits ?? true,
      ...(options.clock ? { clock: options.clock } : {}),
      executionName: request.executionName,
      execution: { executionArn: request.executionArn, stateMachineArn: request.stateMachineArn, stateMachineName: request.stateMachineName },
      onProgress: (p) => {
        if (p.index !== undefined) return; // Map iterations are not separate history states here
        onStep(toStep(p));
      },
    });
    if (result.status === 'SUCCEEDED') return { status: 'SUCCEEDED', output: result.output };
    return { status: 'FAILED', error: result.error?.name ?? 'States.Runtime', ...(result.error?.cause !== undefined ? { cause: result.error.cause } : {}) };
  };
}

function toStep(p: ProgressEvent): ExecutionStep {
  const kind = p.kind === 'succeeded' ? 'exited' : p.kind;
  return { kind, state: p.state, stateType: p.stateType, ...(p.error !== undefined ? { error: p.error } : {}), ...(p.cause !== undefined ? { cause: p.cause } : {}) };
}
