/**
 * The committed keyturn.config.yml and the demo world agree: on a simulator seeded as
 * `keyturn sim --demo` seeds it (src/local/demo/), `keyturn plan --local` plans every enabled
 * target of the committed config without an error: the config names the resources the demo
 * creates (their ids taken through the simulator's `POST /_sim/next-ids`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config';
import { scenarios } from '../src/local/demo/scenarios';
import { startSimulator, type Simulator } from '../src/local/sim/server';
import { keyturn } from './support/cli';

describe('keyturn.config.yml against the demo world', () => {
  let sim: Simulator;
  const previous = process.env.AWS_ENDPOINT_URL;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    process.env.AWS_ENDPOINT_URL = sim.url;
    for (const scenario of scenarios) await scenario.seed(sim.url);
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;
    await sim.close();
  });

  it('keyturn plan --local plans every enabled target of the committed config without an error', async () => {
    const { code, stdout, stderr } = await keyturn('plan', '--local', '--config', 'keyturn.config.yml', '--json');

    expect(stderr).toBe('');
    expect(code, stdout).toBe(0);
    const rows = JSON.parse(stdout) as { target: string; status: string; plan: string }[];
    const enabled = loadConfig('keyturn.config.yml', { root: process.cwd() }).targets.filter((t) => t.enabled).map((t) => t.name);
    expect(rows.map((r) => r.target).sort()).toEqual([...enabled].sort());
    for (const row of rows) expect(row, row.plan).toMatchObject({ status: 'SUCCEEDED' });
    const plan = (target: string) => rows.find((r) => r.target === target)!.plan;
    // Each rotation is due in the demo world: the hand-made credentials are adopted and replaced.
    expect(plan('media-signing-key')).toMatch(/^would rotate: first rotation: adopting public key K\w+/);
    expect(plan('media-uploads-bucket-key')).toMatch(/^would rotate: /);
    expect(plan('orders-backend-client-cert')).toMatch(/^would rotate: /);
    expect(plan('server-certificate-expiry')).toMatch(/certificate\(s\), \d+ within a threshold; would alert Slack$/);
  });
});
