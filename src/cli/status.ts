/**
 * `keyturn status`: every configured target with its last rotation (when its credential's
 * AWSCURRENT version was created), the credential's age, when it is next due (last rotation +
 * maxKeyAgeDays) and the result of its last execution on the deployed state machine.
 */
import { resolve } from 'node:path';
import { targetStatuses } from '../status/target-status';
import { parseFlags } from './args';
import { readConfig } from './config';
import type { Command } from './main';
import { requireCredentials } from './credentials';

export const statusCommand: Command = {
  summary: 'show every configured target: last rotation, credential age, next due, last execution',
  usage: 'keyturn status [--config FILE] [--stage STAGE] [--json] [--root DIR]',
  async run(args) {
    const { values } = parseFlags(args, { config: { type: 'string' }, stage: { type: 'string' }, json: { type: 'boolean', default: false }, root: { type: 'string' } });
    const config = readConfig(values.config, resolve(values.root ?? process.cwd()));
    if (!config) return 1;
    await requireCredentials();
    const { sfnClient, secretsManagerClient } = await import('../aws/clients');
    const rows = await targetStatuses(config.targets, { states: sfnClient(), secrets: secretsManagerClient(), stage: values.stage ?? config.stage, now: new Date() });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      const table = [
        ['TARGET', 'WORKFLOW', 'SCHEDULE', 'LAST ROTATION', 'AGE', 'NEXT DUE', 'LAST EXECUTION'],
        ...rows.map((r) => [
          r.target,
          r.workflow,
          r.schedule,
          r.lastRotation?.slice(0, 16).replace('T', ' ') ?? '-',
          r.credentialAgeDays === undefined ? '-' : `${r.credentialAgeDays}d`,
          r.nextDue?.slice(0, 10) ?? '-',
          r.lastExecution ? `${r.lastExecution.status} ${r.lastExecution.startDate.slice(0, 16).replace('T', ' ')}` : (r.problem ?? 'never run'),
        ]),
      ];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
    }
    return 0;
  },
};

