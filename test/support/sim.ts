/**
 * Starts an in-process simulator for a test file and points the SDK at it through
 * `AWS_ENDPOINT_URL`, exactly as a user would. Use inside a describe or at file level:
 *
 *   const sim = useSimulator();
 *   it('...', async () => { const client = new CloudFrontClient({}); ... sim.url ... });
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSimulator, type Simulator } from '../../src/local/sim/server';
import type { StateMachineExecutor } from '../../src/local/sim/services/stepfunctions';

export interface SimHandle {
  readonly url: string;
  readonly sim: Simulator;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/** `executor`: runs StartExecution (e.g. `runnerExecutor()`); without it StartExecution fails. */
export function useSimulator(options: { resetEachTest?: boolean; executor?: StateMachineExecutor } = {}): SimHandle {
  let sim: Simulator | undefined;
  const previous = process.env.AWS_ENDPOINT_URL;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, ...(options.executor ? { executor: options.executor } : {}) });
    process.env.AWS_ENDPOINT_URL = sim.url;
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;
    await sim?.close();
  });
  const handle: SimHandle = {
    get url() {
      if (!sim) throw new Error('simulator not started yet (use inside a test)');
      return sim.url;
    },
    get sim() {
      if (!sim) throw new Error('simulator not started yet (use inside a test)');
      return sim;
    },
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${handle.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
  if (options.resetEachTest !== false) {
    beforeEach(async () => {
      await handle.admin('POST', '/_sim/reset');
    });
  }
  return handle;
}
