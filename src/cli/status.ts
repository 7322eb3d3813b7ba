/**
 * `keyturn status`: every configured target with its last rotation (when its credential's
 * AWSCURRENT version was created), the credential's age, when it is next due (last rotation +
 * maxKeyAgeDays) and the result of its last execution on the deployed state machine.
 */
import { resolve } from 'node:path';
import { serviceNow, statusTable, targetStatuses } from '../status/target-status';
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
    const states = sfnClient();
    // Ages on the service's clock: AWS's, or a local stack's simulated one (keyturn up --keep).
    const rows = await targetStatuses(config.targets, { states, secrets: secretsManagerClient(), stage: values.stage ?? config.stage, now: () => serviceNow(states) });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      for (const line of statusTable(rows)) process.stdout.write(`${line}\n`);
    }
    return 0;
  },
};

