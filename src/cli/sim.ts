import { ensureSimulatorCredentials } from '../local/offline-env';
import { isLoopbackName, startSimulator } from '../local/sim/server';
import { parseFlags } from './args';
import type { Command } from './main';
import { UsageError } from './usage-error';

export const simCommand: Command = {
  summary: 'start the embedded AWS simulator in the foreground',
  usage: 'keyturn sim [--port 4566] [--host 127.0.0.1] [--state FILE] [--demo]',
  async run(args) {
    const { values } = parseFlags(args, {
      port: { type: 'string', default: '4566' },
      host: { type: 'string', default: '127.0.0.1' },
      state: { type: 'string' },
      demo: { type: 'boolean', default: false },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0-65535, got '${values.port}'`);
    // Step Functions executions run the workflows' own files with the local runner (waits skipped).
    const { runnerExecutor } = await import('../local/runner-executor');
    const warning = nonLoopbackWarning(values.host);
    if (warning) process.stderr.write(`keyturn sim: warning: ${warning}\n`);
    const sim = await startSimulator({
      port,
      host: values.host,
      stateFile: values.state,
      executor: runnerExecutor(),
      ...(isLoopbackName(values.host) || WILDCARDS.includes(values.host) ? {} : { allowedHostNames: [values.host] }),
    });
    process.stdout.write(`keyturn simulator listening on ${sim.url}\n`);
    if (values.state) process.stdout.write(`state file ${values.state} (mode 0600): it holds every simulated secret in plain text\n`);
    if (values.demo) await seedDemo(sim.url);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await sim.close();
    return 0;
  },
};

const WILDCARDS = ['0.0.0.0', '::'];

/**
 * What `keyturn sim --host` warns of when it listens beyond this machine: the simulator has no
 * authentication, and its world (secrets included) is anyone's who reaches the port. Requests
 * must still name a loopback host, or the --host name itself, in their Host header.
 */
export function nonLoopbackWarning(host: string): string | undefined {
  if (isLoopbackName(host)) return undefined;
  const names = WILDCARDS.includes(host) ? 'a loopback host' : `${host} or a loopback host`;
  return `--host ${host} is not a loopback address: anyone who can reach it can read and change the simulated world, secrets included. Requests must name ${names} in their Host header.`;
}

/**
 * `--demo`: seeds the demo account (the same scenarios `npm start` runs) and prints, for each
 * workflow, the command that runs it against this simulator.
 */
async function seedDemo(simUrl: string): Promise<void> {
  const { scenarios } = await import('../local/demo/scenarios');
  ensureSimulatorCredentials();
  process.stdout.write(`\nseeded the demo account; in another shell:\n  export AWS_ENDPOINT_URL=${simUrl} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\n`);
  for (const scenario of scenarios) {
    const input = await scenario.seed(simUrl);
    process.stdout.write(`\n  # ${scenario.describe}\n  ./bin/keyturn.js run ${scenario.workflow} --local --skip-waits --input '${JSON.stringify(input)}'\n`);
  }
}
