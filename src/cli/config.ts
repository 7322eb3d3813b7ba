/**
 * `keyturn config check [--config FILE]`: validates keyturn.config.yml with the schema that
 * `npm run package` applies. Exit 0 when valid, 1 with every problem listed, 2 for bad usage.
 */
import { accountOf, type TargetAccount } from '../aws/target-account';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, ConfigFileError, formatIssue } from '../config/errors';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../config/load-config';
import type { KeyturnConfig } from '../config/config-schema';
import { parseFlags } from './args';
import type { Command } from './main';
import { UsageError } from './usage-error';

export const configCommand: Command = {
  summary: 'check keyturn.config.yml: config check [--config FILE]',
  usage: 'keyturn config check [--config FILE] [--root DIR]',
  async run(args) {
    const { values, positionals } = parseFlags(args, { config: { type: 'string' }, root: { type: 'string' } }, true);
    if (positionals.length !== 1 || positionals[0] !== 'check') throw new UsageError(positionals.length ? `unknown subcommand '${positionals.join(' ')}'` : 'which subcommand? keyturn config check');
    const root = resolve(values.root ?? process.cwd());
    const config = readConfig(values.config, root);
    if (!config) return 1;
    const enabled = config.targets.filter((t) => t.enabled && t.schedule);
    process.stdout.write(`${config.file}: valid (stage ${config.stage}, region ${config.region}): ${config.targets.length} target(s), ${enabled.length} scheduled\n`);
    for (const t of config.targets) {
      const when = !t.enabled ? 'disabled' : (t.schedule ?? 'manual runs only');
      const note = t.inputCheck === 'generic' ? ' (input checked generically: the workflow exports no input schema yet)' : '';
      process.stdout.write(`  ${t.name.padEnd(28)} ${t.workflow.padEnd(28)} ${when}${where(t.account)}${note}\n`);
    }
    return 0;
  },
};

export function hasDefaultConfig(root: string): boolean {
  return existsSync(join(root, DEFAULT_CONFIG_FILE));
}

/**
 * The validated config, or undefined after printing every problem to stderr. A missing or
 * unreadable file is a usage error (exit 2).
 */
export function readConfig(file: string | undefined, root: string): KeyturnConfig | undefined {
  const path = resolve(root, file ?? DEFAULT_CONFIG_FILE);
  try {
    return loadConfig(path, { root });
  } catch (error) {
    if (error instanceof ConfigFileError) throw new UsageError(`${error.message}${file === undefined ? ' (give --config FILE)' : ''}`);
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.file}: ${error.issues.length} problem(s)\n${error.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}\n`);
      return undefined;
    }
    throw error;
  }
}

/** `, in 111122223333 (as arn:…:role/x), eu-west-1` for a target that lives elsewhere. */
function where(account: TargetAccount | undefined): string {
  if (!account) return '';
  const id = accountOf(account);
  return [id && `, in ${id} (as ${account.roleArn})`, account.region && `, ${account.region}`].filter(Boolean).join('');
}
