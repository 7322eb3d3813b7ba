/**
 * `keyturn run <workflow> --local`: runs a state machine from state-machines/ on this machine,
 * against whatever AWS endpoint the SDK environment names (`AWS_ENDPOINT_URL` → `keyturn sim`).
 * Progress goes to stderr, one line per state event; the result goes to stdout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProgressEvent } from '../local/runner';
import { parseFlags } from './args';
import type { Command } from './main';
import { UsageError } from './usage-error';

export const runCommand: Command = {
  summary: 'run a workflow (state machine) locally: --local',
  usage:
    'keyturn run <workflow> --local [--input JSON | --input-file FILE] [--skip-waits] [--json] [--verbose] [--execution-name NAME] [--root DIR]',
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
      },
      true,
    );
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `one workflow expected, got ${positionals.join(' ')}` : 'which workflow? e.g. keyturn run rotate-cloudfront-key --local');
    const workflow = positionals[0]!;
    if (!values.local) throw new UsageError('deployed runs come with issue 7; use --local to run the workflow on this machine');
    const input = readInput(values.input, values['input-file']);
    const root = resolve(values.root ?? process.cwd());

    // Handler logs would drown the progress lines; --verbose shows them.
    if (!values.verbose) process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
    const { runWorkflow, UnknownWorkflowError } = await import('../local/runner');

    const out = (line: string) => process.stdout.write(`${line}\n`);
    const err = (line: string) => process.stderr.write(`${line}\n`);
    let result;
    try {
      result = await runWorkflow(workflow, input, {
        root,
        skipWaits: values['skip-waits'],
        executionName: values['execution-name'],
        onProgress: (p) => err(formatProgress(p)),
      });
    } catch (error) {
      if (error instanceof UnknownWorkflowError) throw new UsageError(error.message);
      throw error;
    }

    const seconds = `${((result.history.at(-1)?.elapsedMs ?? 0) / 1000).toFixed(2)}s`;
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
function causeMessage(cause: string | undefined): string | undefined {
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
