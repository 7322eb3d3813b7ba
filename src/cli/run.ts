/**
 * `keyturn run <workflow> --local`: runs a state machine from state-machines/ on this machine,
 * against whatever AWS endpoint the SDK environment names (`AWS_ENDPOINT_URL` → `keyturn sim`).
 * Without --local it starts the deployed state machine (`keyturn-<workflow>-<stage>`) and follows
 * its history. `--target NAME` takes the workflow and its input from keyturn.config.yml.
 * Progress goes to stderr, one line per state event; the result goes to stdout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProgressEvent } from '../local/runner';
import { parseFlags } from './args';
import { hasDefaultConfig, readConfig } from './config';
import { executionName, followExecution, stateMachineName, stateMachinesByName } from './deployed-executions';
import type { Command } from './main';
import { UsageError } from './usage-error';
import { quietHandlerLogs } from '../local/offline-env';
import { requireCredentials } from './credentials';

export const runCommand: Command = {
  summary: 'run a workflow: the deployed state machine, or --local on this machine',
  usage:
    'keyturn run (<workflow> [--input JSON | --input-file FILE] | --target NAME [--config FILE]) [--local [--skip-waits] [--verbose]] [--stage STAGE] [--poll-ms 1000] [--json] [--execution-name NAME] [--root DIR]',
  async run(args) {
    const { values, positionals } = parseFlags(
      args,
      {
        local: { type: 'boolean', default: false },
        input: { type: 'string' },
        'input-file': { type: 'string' },
        'skip-waits': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        'execution-name': { type: 'string' },
        root: { type: 'string' },
        target: { type: 'string' },
        config: { type: 'string' },
        stage: { type: 'string' },
        'poll-ms': { type: 'string' },
      },
      true,
    );
    if (positionals.length > 1) throw new UsageError(`one workflow expected, got ${positionals.join(' ')}`);
    const root = resolve(values.root ?? process.cwd());
    const selected = selectRun(positionals[0], values, root);
    if (selected === undefined) return 1;
    const { workflow, input, label, stage } = selected;
    await requireCredentials();
    if (!values.local) {
      if (values['skip-waits']) throw new UsageError('--skip-waits only applies to --local runs (a deployed Wait waits)');
      return runDeployed({ workflow, input, label, stage, json: values.json, executionName: values['execution-name'], pollMs: pollMs(values['poll-ms']) });
    }

    // Handler logs would drown the progress lines; --verbose shows them.
    if (!values.verbose) quietHandlerLogs();
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const err = (line: string) => process.stderr.write(`${line}\n`);
    const result = await runLocal(workflow, input, { root, skipWaits: values['skip-waits'], executionName: values['execution-name'], onProgress: (p) => err(formatProgress(p)) });

    const seconds = `${(result.elapsedMs / 1000).toFixed(2)}s`;
    if (result.status === 'SUCCEEDED') {
      err(`SUCCEEDED ${workflow} (execution ${result.executionName}) in ${seconds}`);
      out(values.json ? JSON.stringify(result.output ?? null) : JSON.stringify(result.output ?? null, null, 2));
      return 0;
    }
    const error = result.error ?? { name: result.status };
    err(`FAILED ${workflow} (execution ${result.executionName}) in ${seconds}: ${error.name}${error.state ? ` in state '${error.state}'` : ''}`);
    const message = causeMessage(error.cause);
    if (message) err(`  ${message}`);
    if (values.json) out(JSON.stringify({ status: result.status, executionName: result.executionName, error }));
    return 1;
  },
};

interface SelectedRun {
  workflow: string;
  input: unknown;
  /** What the execution name starts with: the target, or the workflow. */
  label: string;
  stage: string;
}

/** The workflow and input from the command line, or from the config for --target; undefined when the config is invalid (printed). */
function selectRun(
  positional: string | undefined,
  values: { target?: string; config?: string; input?: string; 'input-file'?: string; stage?: string; local: boolean },
  root: string,
): SelectedRun | undefined {
  if (values.target === undefined) {
    if (positional === undefined) throw new UsageError('which workflow? e.g. keyturn run rotate-cloudfront-key --local, or keyturn run --target NAME');
    // A deployed run takes its stage from the config when there is one; a local run needs nothing from it.
    const wantsConfig = values.config !== undefined || (!values.local && values.stage === undefined && hasDefaultConfig(root));
    const config = wantsConfig ? readConfig(values.config, root) : null;
    if (config === undefined) return undefined;
    return { workflow: positional, input: readInput(values.input, values['input-file']), label: positional, stage: values.stage ?? config?.stage ?? 'dev' };
  }
  if (values.input !== undefined || values['input-file'] !== undefined) throw new UsageError('--target takes its input from the config: give --input/--input-file or --target, not both');
  const config = readConfig(values.config, root);
  if (!config) return undefined;
  const target = config.targets.find((t) => t.name === values.target);
  if (!target) throw new UsageError(`no target '${values.target}' in ${config.file} (targets: ${config.targets.map((t) => t.name).join(', ')})`);
  if (positional !== undefined && positional !== target.workflow) throw new UsageError(`target '${target.name}' runs ${target.workflow}, not ${positional}`);
  return { workflow: target.workflow, input: target.input, label: target.name, stage: values.stage ?? config.stage };
}

export function pollMs(value: string | undefined): number {
  if (value === undefined) return 1000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1 || ms > 60_000) throw new UsageError(`--poll-ms must be an integer 1-60000, got '${value}'`);
  return ms;
}

/** How a run ended, local or deployed. */
export interface RunOutcome {
  status: string;
  executionName: string;
  executionArn?: string;
  output?: unknown;
  error?: { name: string; cause?: string; state?: string };
  elapsedMs: number;
}

/** Runs a workflow on this machine (the local runner); an unknown workflow is a usage error. */
export async function runLocal(
  workflow: string,
  input: unknown,
  options: { root: string; skipWaits: boolean; executionName?: string; onProgress?: (p: ProgressEvent) => void },
): Promise<RunOutcome> {
  const { runWorkflow, UnknownWorkflowError } = await import('../local/runner');
  let result;
  try {
    result = await runWorkflow(workflow, input, options);
  } catch (error) {
    if (error instanceof UnknownWorkflowError) throw new UsageError(error.message);
    throw error;
  }
  return { status: result.status, executionName: result.executionName, output: result.output, error: result.error, elapsedMs: result.history.at(-1)?.elapsedMs ?? 0 };
}

/** Starts the deployed state machine and follows it; undefined (said on stderr) when it is not deployed. */
export async function runDeployedExecution(run: {
  workflow: string;
  input: unknown;
  label: string;
  stage: string;
  executionName?: string;
  pollMs: number;
  onProgress?: (p: ProgressEvent) => void;
  onStarted?: (machineName: string, name: string) => void;
}): Promise<RunOutcome | undefined> {
  const { sfnClient } = await import('../aws/clients');
  const { StartExecutionCommand } = await import('@aws-sdk/client-sfn');
  const client = sfnClient();
  const machineName = stateMachineName(run.workflow, run.stage);
  const stateMachineArn = (await stateMachinesByName(client)).get(machineName);
  if (!stateMachineArn) {
    process.stderr.write(`keyturn: no state machine ${machineName} in this account and region: deploy first (npx serverless deploy --stage ${run.stage}) or give --stage\n`);
    return undefined;
  }
  const name = run.executionName ?? executionName(run.label, new Date());
  const started = await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(run.input) }));
  run.onStarted?.(machineName, name);
  const { execution, failedState, elapsedMs } = await followExecution(client, started.executionArn!, { pollMs: run.pollMs, ...(run.onProgress && { onProgress: run.onProgress }) });
  const status = execution.status ?? 'FAILED';
  if (status === 'SUCCEEDED') {
    const output = execution.output === undefined ? null : (JSON.parse(execution.output) as unknown);
    return { status, executionName: name, executionArn: started.executionArn, output, elapsedMs };
  }
  const error = { name: execution.error ?? status, ...(execution.cause !== undefined ? { cause: execution.cause } : {}), ...(failedState !== undefined ? { state: failedState } : {}) };
  return { status, executionName: name, executionArn: started.executionArn, error, elapsedMs };
}

async function runDeployed(run: { workflow: string; input: unknown; label: string; stage: string; json: boolean; executionName?: string; pollMs: number }): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const result = await runDeployedExecution({
    ...run,
    onProgress: (p) => err(formatProgress(p)),
    onStarted: (machineName, name) => err(`started ${machineName} (execution ${name})`),
  });
  if (!result) return 1;
  const seconds = `${(result.elapsedMs / 1000).toFixed(2)}s`;
  if (result.status === 'SUCCEEDED') {
    err(`SUCCEEDED ${run.workflow} (execution ${result.executionName}) in ${seconds}`);
    out(run.json ? JSON.stringify(result.output) : JSON.stringify(result.output, null, 2));
    return 0;
  }
  const error = result.error ?? { name: result.status };
  err(`${result.status} ${run.workflow} (execution ${result.executionName}) in ${seconds}: ${error.name}${error.state ? ` in state '${error.state}'` : ''}`);
  const message = causeMessage(error.cause);
  if (message) err(`  ${message}`);
  if (run.json) out(JSON.stringify({ status: result.status, executionName: result.executionName, executionArn: result.executionArn, error }));
  return 1;
}

function readInput(inline: string | undefined, file: string | undefined): unknown {
  if (inline !== undefined && file !== undefined) throw new UsageError('give --input or --input-file, not both');
  let text = '{}';
  let source = '--input';
  if (inline !== undefined) text = inline;
  if (file !== undefined) {
    source = `--input-file ${file}`;
    if (!existsSync(file)) throw new UsageError(`--input-file ${file}: no such file`);
    text = readFileSync(file, 'utf8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${source}: not valid JSON (${(error as Error).message})`);
  }
}

/** A Lambda error's Cause is `{"errorType","errorMessage"}` JSON; a Fail state's is plain text. */
export function causeMessage(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // plain text
  }
  return cause;
}

export function formatProgress(p: ProgressEvent): string {
  const at = `${(p.elapsedMs / 1000).toFixed(3).padStart(8)}s`;
  const state = p.index === undefined ? p.state : `${p.state} [${p.index}]`;
  const took = p.durationMs === undefined ? '' : ` (${p.durationMs} ms)`;
  switch (p.kind) {
    case 'entered':
      return `${at}  entered    ${state} (${p.stateType})`;
    case 'succeeded':
      return `${at}  succeeded  ${state}${took}`;
    case 'failed': {
      const message = causeMessage(p.cause);
      return `${at}  failed     ${state}${took}: ${p.error ?? 'Error'}${message ? `: ${message}` : ''}`;
    }
    case 'retried':
      return `${at}  retried    ${state} (attempt ${p.attempt ?? '?'})`;
    case 'caught':
      return `${at}  caught     ${state}: ${p.error ?? 'Error'}`;
    default:
      return `${at}  ${String(p.kind).padEnd(10)} ${state}`;
  }
}
