/**
 * `keyturn plan`: runs every enabled configured target's workflow with `"dryRun": true` (on this
 * machine with --local, else the deployed state machine, as `keyturn run` does) and prints one
 * line per target: what would rotate, be deleted or alerted. A dry run writes nothing.
 */
import { resolve } from 'node:path';
import { quietHandlerLogs } from '../local/offline-env';
import { parseFlags } from './args';
import { readConfig } from './config';
import type { Command } from './main';
import { causeMessage, pollMs, runDeployedExecution, runLocal, type RunOutcome } from './run';
import { requireCredentials } from './credentials';
import { describePlan } from '../status/plan-summary';

export const planCommand: Command = {
  summary: 'show what every enabled target would do (a dry run: nothing is written)',
  usage: 'keyturn plan [--config FILE] [--local [--verbose]] [--stage STAGE] [--poll-ms 1000] [--json] [--root DIR]',
  async run(args) {
    const { values } = parseFlags(args, {
      config: { type: 'string' },
      local: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      stage: { type: 'string' },
      'poll-ms': { type: 'string' },
      json: { type: 'boolean', default: false },
      root: { type: 'string' },
    });
    const root = resolve(values.root ?? process.cwd());
    const config = readConfig(values.config, root);
    if (!config) return 1;
    await requireCredentials();
    const every = pollMs(values['poll-ms']);
    if (values.local && !values.verbose) quietHandlerLogs();
    const targets = config.targets.filter((t) => t.enabled);
    const rows: { target: string; workflow: string; status: string; plan: string; output?: unknown; error?: RunOutcome['error'] }[] = [];
    for (const target of targets) {
      const input = { ...target.input, dryRun: true };
      const outcome = values.local
        ? await runLocal(target.workflow, input, { root, skipWaits: true })
        : await runDeployedExecution({ workflow: target.workflow, input, label: target.name, stage: values.stage ?? config.stage, pollMs: every });
      const status = outcome?.status ?? 'NOT_DEPLOYED';
      rows.push({
        target: target.name,
        workflow: target.workflow,
        status,
        plan: outcome ? describeOutcome(outcome) : 'not deployed',
        ...(outcome?.output !== undefined && { output: outcome.output }),
        ...(outcome?.error && { error: outcome.error }),
      });
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      if (rows.length === 0) process.stdout.write('no enabled targets\n');
      const nameWidth = Math.max(0, ...rows.map((r) => r.target.length));
      for (const r of rows) process.stdout.write(`${r.target.padEnd(nameWidth)}  ${r.plan}\n`);
    }
    return rows.every((r) => r.status === 'SUCCEEDED') ? 0 : 1;
  },
};

/** One line: what the dry run found, or why it failed. */
export function describeOutcome(outcome: RunOutcome): string {
  if (outcome.status !== 'SUCCEEDED') {
    const error = outcome.error ?? { name: outcome.status };
    const message = causeMessage(error.cause);
    return `FAILED ${error.name}${error.state ? ` in '${error.state}'` : ''}${message ? `: ${message}` : ''}`;
  }
  return describePlan(outcome.output);
}

