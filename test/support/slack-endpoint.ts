/**
 * The Slack interactivity endpoint for one test file, as a deploy gives it: its environment
 * (restored after the file), served as a Function URL on this machine, allowed to answer through
 * the simulator's Slack, and (with `capture`) every line written to stdout and stderr recorded, so
 * a test can look for what must never be logged. Use after `useSimulator()`.
 *
 *   const slack = useSlackEndpoint({ [STAGE_VARIABLE]: 'dev', ... }, { capture: true });
 *   ... slack.url ... slack.written ...
 */
import { afterAll, beforeAll } from 'vitest';
import { handler } from '../../functions/slack-interactivity/handle-slack-request';
import { SLACK_TARGETS_VARIABLE } from '../../src/config/function-environment';
import { startFunctionUrl, type FunctionUrl } from '../../src/local/function-url';
import { allowSimulatorSlackSink } from '../../src/local/runner';

export interface SlackEndpointHandle {
  readonly url: string;
  /** Every line written to stdout and stderr while the file runs (with `capture`). */
  readonly written: string[];
}

/** `env`: the endpoint's variables. The endpoint reads them at its first request, so a test may still set KEYTURN_SLACK_TARGETS before that. */
export function useSlackEndpoint(env: Record<string, string>, options: { capture?: boolean } = {}): SlackEndpointHandle {
  const saved: Record<string, string | undefined> = {};
  const written: string[] = [];
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  let endpoint: FunctionUrl | undefined;
  beforeAll(async () => {
    for (const name of [...Object.keys(env), SLACK_TARGETS_VARIABLE]) saved[name] = process.env[name];
    Object.assign(process.env, env);
    allowSimulatorSlackSink();
    endpoint = await startFunctionUrl(handler);
    if (options.capture) {
      process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (written.push(String(chunk)), writes.out(chunk, ...rest))) as typeof process.stdout.write;
      process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (written.push(String(chunk)), writes.err(chunk, ...rest))) as typeof process.stderr.write;
    }
  });
  afterAll(async () => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    await endpoint?.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  return {
    get url() {
      if (!endpoint) throw new Error('the Slack endpoint is not started yet (use inside a test)');
      return endpoint.url;
    },
    written,
  };
}

/** Reads until `done` says so (at most 10 seconds). */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 400; i += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('timed out waiting');
}
