/**
 * `keyturn up`: keyturn's main job on the embedded simulator (src/local/stack/up.ts): the stack the
 * config describes, deployed into the simulator, its schedules fired on a simulated clock.
 */
import { resolve } from 'node:path';
import { isolateFromRealAws } from '../local/offline-env';
import { statusTable } from '../status/target-status';
import { parseFlags } from './args';
import { readConfig } from './config';
import type { Command } from './main';
import { UsageError } from './usage-error';

export const upCommand: Command = {
  summary: "run keyturn's stack on the embedded simulator: deploy it, then fire its schedules on a simulated clock",
  usage: 'keyturn up [--demo | --state FILE] [--days 30] [--speed X] [--keep] [--port 4566] [--config FILE] [--root DIR]',
  async run(args) {
    const { values } = parseFlags(args, {
      demo: { type: 'boolean', default: false },
      days: { type: 'string', default: '30' },
      speed: { type: 'string' },
      config: { type: 'string' },
      root: { type: 'string' },
      keep: { type: 'boolean', default: false },
      state: { type: 'string' },
      port: { type: 'string', default: '4566' },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0-65535, got '${values.port}'`);
    if (values.demo && values.state) throw new UsageError('--demo seeds a fresh world; --state runs against a saved one: give one of them');
    const days = Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError(`--days must be a whole number of days, 1-3650, got '${values.days}'`);
    const speed = values.speed === undefined ? undefined : Number(values.speed);
    if (speed !== undefined && !(speed > 0)) throw new UsageError(`--speed must be a positive number of simulated seconds per real second, got '${values.speed}'`);
    const root = resolve(values.root ?? process.cwd());
    const config = readConfig(values.config, root);
    if (!config) return 1;
    // Only the simulator: dummy credentials, handler logs at WARN.
    isolateFromRealAws('WARN');
    const { up } = await import('../local/stack/up');
    /** The run, or undefined (said in one line) when the simulator cannot listen on the port asked for. */
    const runUp = async (options: Parameters<typeof up>[0]) => {
      try {
        return await up(options);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        process.stderr.write(`keyturn up: port ${options.port} is in use (a keyturn sim?): give another with --port, or stop what listens there\n`);
        return undefined;
      }
    };
    const tty = process.stdout.isTTY === true;
    const out = (line: string) => process.stdout.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
    const result = await runUp({
      root,
      config,
      demo: values.demo,
      days,
      ...(speed !== undefined ? { speed } : {}),
      // A saved world holds URLs with the port it was made on (its Slack webhook): --state keeps
      // keyturn sim's port, as --keep does, and a fresh run takes any free one.
      ...(values.keep || values.state ? { port } : {}),
      ...(values.keep ? { keep: true } : {}),
      ...(values.state ? { stateFile: resolve(values.state) } : {}),
      out,
      ...(tty ? { progress: (line: string) => process.stdout.write(`\r\x1b[K${line}`) } : {}),
    });
    if (!result) return 2;
    const failed = result.executions.filter((e) => e.status !== 'SUCCEEDED');
    out('');
    out(`${result.simulatedDays} simulated days in ${(result.wallMs / 1000).toFixed(1)} s: ${result.executions.length} executions, ${failed.length} not succeeded`);
    out('');
    for (const line of statusTable(result.statuses)) out(line);
    out('');
    out(`Slack: ${result.slack.total} messages (${Object.entries(result.slack.byKind).map(([kind, n]) => `${n} ${kind}`).join(', ') || 'none'})`);
    const metrics = Object.entries(result.metrics);
    if (metrics.length) out(`Metrics: ${metrics.map(([name, m]) => `${name} ${m.count}× (min ${m.min}, max ${m.max}, last ${m.last})`).join('; ')}`);
    if (result.serving) {
      out('');
      out(`The stack stays up, its clock at the end of the run (Ctrl-C stops it). In another shell:`);
      out(`  export AWS_ENDPOINT_URL=${result.serving.url} AWS_REGION=${result.serving.region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`);
      out(`  ./bin/keyturn.js status${values.config ? ` --config ${values.config}` : ''}`);
      out(`  ./bin/keyturn.js run --target ${config.targets.find((t) => t.enabled)?.name ?? '<target>'}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await result.serving.close();
    }
    return failed.length ? 1 : 0;
  },
};
