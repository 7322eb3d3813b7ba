import { startSimulator } from '../local/sim/server';
import { parseFlags } from './args';
import type { Command } from './main';
import { UsageError } from './usage-error';

export const simCommand: Command = {
  summary: 'start the embedded AWS simulator in the foreground',
  usage: 'keyturn sim [--port 4566] [--host 127.0.0.1] [--state FILE]',
  async run(args) {
    const { values } = parseFlags(args, {
      port: { type: 'string', default: '4566' },
      host: { type: 'string', default: '127.0.0.1' },
      state: { type: 'string' },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0-65535, got '${values.port}'`);
    // Step Functions executions run the workflows' own files with the local runner (waits skipped).
    const { runnerExecutor } = await import('../local/runner-executor');
    const sim = await startSimulator({ port, host: values.host, stateFile: values.state, executor: runnerExecutor() });
    process.stdout.write(`keyturn simulator listening on ${sim.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await sim.close();
    return 0;
  },
};
