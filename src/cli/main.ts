/**
 * `keyturn <command>`: the entry point behind bin/keyturn.js. Each command lives in its own
 * module and returns the process exit code: 0 success, 1 the work failed, 2 bad usage.
 */
import { configCommand } from './config';
import { MissingCredentialsError } from './credentials';
import { announceNodeSupport } from '../local/node-support';
import { planCommand } from './plan';
import { runCommand } from './run';
import { simCommand } from './sim';
import { statusCommand } from './status';
import { upCommand } from './up';
import { UsageError } from './usage-error';

export interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {
  up: upCommand,
  sim: simCommand,
  run: runCommand,
  plan: planCommand,
  status: statusCommand,
  config: configCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(helpText());
    return name ? 0 : 2;
  }
  const command = commands[name];
  announceNodeSupport();
  if (!command) {
    process.stderr.write(`keyturn: unknown command '${name}'\n\n${helpText()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`keyturn ${name}: ${error.message}\n\nusage: ${command.usage}\n`);
      return 2;
    }
    if (error instanceof MissingCredentialsError) {
      process.stderr.write(`keyturn ${name}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function helpText(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(8)} ${c.summary}`);
  return `usage: keyturn <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}
