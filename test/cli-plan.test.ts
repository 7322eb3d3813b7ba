/**
 * `keyturn plan --local` on the simulator: every enabled target of the config runs its workflow
 * with `"dryRun": true`, one line per target says what would happen, and the simulator saw only
 * reads (Get/List/Describe/Head) and Slack got nothing. The account is seeded by the demo
 * scenarios (src/local/demo/).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { keyturn } from './support/cli';
import { scenarios } from '../src/local/demo/scenarios';
import { startSimulator, type Simulator } from '../src/local/sim/server';


async function admin<T>(sim: Simulator, method: string, path: string): Promise<T> {
  const res = await fetch(`${sim.url}${path}`, { method });
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

describe('keyturn plan', () => {
  let sim: Simulator;
  let configFile: string;
  const previous = process.env.AWS_ENDPOINT_URL;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    process.env.AWS_ENDPOINT_URL = sim.url;
    const targets: Record<string, unknown> = {};
    for (const scenario of scenarios) targets[scenario.workflow] = { workflow: scenario.workflow, input: await scenario.seed(sim.url) };
    targets.paused = { workflow: 'rotate-cloudfront-key', enabled: false, input: { keyGroupId: 'nope', secretId: 'keyturn/cloudfront/paused' } };
    configFile = join(mkdtempSync(join(tmpdir(), 'keyturn-plan-')), 'keyturn.config.yml');
    writeFileSync(configFile, stringify({ stage: 'dev', targets }));
    await admin(sim, 'DELETE', '/_sim/calls');
    await admin(sim, 'DELETE', '/_sim/slack');
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;
    await sim.close();
  });

  it('--local prints one line per enabled target of what would happen, and writes nothing', async () => {
    const { code, stdout, stderr } = await keyturn('plan', '--local', '--config', configFile);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(scenarios.length);
    const line = (target: string) => lines.find((l) => l.startsWith(`${target} `)) ?? `no line for ${target}`;
    // The demo's hand-made key is stored in the secret: the plan adopts it and would delete it after the grace period.
    expect(line('rotate-cloudfront-key')).toMatch(/would rotate: first rotation: adopting public key (K\w+), which the secret names.*; would delete \1; would alert Slack$/);
    expect(line('rotate-lightsail-bucket-key')).toMatch(/would rotate: .*; would delete \S+/);
    expect(line('rotate-apigw-client-cert')).toMatch(/(would rotate|no rotation): /);
    expect(line('check-iam-cert-expiry')).toMatch(/\d+ certificate\(s\), \d+ within a threshold; (would alert Slack|no Slack alert)$/);
    expect(line('import-iam-server-cert')).toMatch(/would upload \S+ \(valid, expires /);
    expect(stdout).not.toContain('paused');

    const { calls } = await admin<{ calls: { operation: string }[] }>(sim, 'GET', '/_sim/calls');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.map((c) => c.operation).filter((op) => !/^(Get|List|Describe|Head)/.test(op))).toEqual([]);
    expect((await admin<{ messages: unknown[] }>(sim, 'GET', '/_sim/slack')).messages).toEqual([]);
  });

  it('--json gives each target its dry-run output', async () => {
    const { code, stdout } = await keyturn('plan', '--local', '--config', configFile, '--json');

    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { target: string; status: string; output: { dryRun: boolean } }[];
    expect(rows.map((r) => r.target).sort()).toEqual(scenarios.map((s) => s.workflow).sort());
    for (const row of rows) expect(row).toMatchObject({ status: 'SUCCEEDED', output: { dryRun: true } });
  });
});
