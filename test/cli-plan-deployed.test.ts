/**
 * `keyturn plan` without --local: every enabled target's deployed state machine is started through
 * the simulator's Step Functions (the local runner as its executor, as in
 * test/cli-deployed.test.ts) with the target's input and `"dryRun": true`; one line per target;
 * exit 1 when a target's dry run fails. The dry runs write nothing (only reads reach the estate)
 * and Slack gets nothing. The account is seeded by the demo scenarios (src/local/demo/).
 *
 * Its own file (not test/cli-plan.test.ts): the SDK clients are built once per process, against
 * the first simulator's endpoint.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { keyturn } from './support/cli';
import { scenarios } from '../src/local/demo/scenarios';
import { runnerExecutor } from '../src/local/runner-executor';
import { startSimulator, type Simulator } from '../src/local/sim/server';

async function admin<T>(sim: Simulator, method: string, path: string): Promise<T> {
  const res = await fetch(`${sim.url}${path}`, { method });
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

describe('keyturn plan (deployed)', () => {
  let sim: Simulator;
  const previous = { endpoint: process.env.AWS_ENDPOINT_URL, logLevel: process.env.POWERTOOLS_LOG_LEVEL };
  const sfn = () => new SFNClient({});
  const writeConfig = (targets: Record<string, unknown>) => {
    const file = join(mkdtempSync(join(tmpdir(), 'keyturn-plan-deployed-')), 'keyturn.config.yml');
    writeFileSync(file, stringify({ stage: 'dev', targets }));
    return file;
  };
  const plan = (configFile: string, ...args: string[]) => keyturn('plan', '--config', configFile, '--poll-ms', '5', ...args);
  /** What plan printed; the executor runs the handlers in this process, so their (JSON) log lines are skipped. */
  const printed = (stdout: string) => stdout.trimEnd().split('\n').filter((l) => !l.startsWith('{'));

  /** Every execution of the deployed `keyturn-<workflow>-dev`, with its input. */
  async function executionsOf(workflow: string): Promise<{ name: string; status: string; input: Record<string, unknown> }[]> {
    const arn = `arn:aws:states:us-east-1:123456789012:stateMachine:keyturn-${workflow}-dev`;
    const { executions } = await sfn().send(new ListExecutionsCommand({ stateMachineArn: arn }));
    return Promise.all(
      (executions ?? []).map(async (e) => {
        const described = await sfn().send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
        return { name: e.name!, status: e.status!, input: JSON.parse(described.input ?? '{}') as Record<string, unknown> };
      }),
    );
  }

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, executor: runnerExecutor() });
    process.env.AWS_ENDPOINT_URL = sim.url;
    process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  });
  afterAll(async () => {
    for (const [name, value] of [['AWS_ENDPOINT_URL', previous.endpoint], ['POWERTOOLS_LOG_LEVEL', previous.logLevel]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await sim.close();
  });
  beforeEach(async () => {
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    // "Deployed": one state machine per workflow, named as serverless/<workflow>.yml names it; the executor runs the workflow's file.
    for (const { workflow } of scenarios) {
      await sfn().send(new CreateStateMachineCommand({ name: `keyturn-${workflow}-dev`, definition: JSON.stringify({ StartAt: 'x', States: { x: { Type: 'Pass', End: true } } }), roleArn: 'arn:aws:iam::123456789012:role/keyturn' }));
    }
  });

  it("starts each enabled target's deployed state machine with dryRun, prints one line per target, and writes nothing", async () => {
    const targets: Record<string, { workflow: string; input: Record<string, unknown>; enabled?: boolean }> = {};
    for (const scenario of scenarios) targets[scenario.workflow] = { workflow: scenario.workflow, input: (await scenario.seed(sim.url)) as Record<string, unknown> };
    targets.paused = { workflow: 'rotate-cloudfront-key', enabled: false, input: { keyGroupId: 'nope', secretId: 'keyturn/cloudfront/paused' } };
    const configFile = writeConfig(targets);
    await fetch(`${sim.url}/_sim/calls`, { method: 'DELETE' });

    const { code, stdout } = await plan(configFile);

    expect(code).toBe(0);
    const lines = printed(stdout);
    expect(lines).toHaveLength(scenarios.length);
    for (const { workflow } of scenarios) {
      expect(lines.filter((l) => l.startsWith(`${workflow} `)), `one line for ${workflow}`).toHaveLength(1);
      // Exactly one execution each: the enabled target's, named after it, with its input and dryRun (the paused target started none).
      const executions = await executionsOf(workflow);
      expect(executions, workflow).toHaveLength(1);
      expect(executions[0]).toMatchObject({ status: 'SUCCEEDED', input: { ...targets[workflow]!.input, dryRun: true } });
      expect(executions[0]!.name.startsWith(`${workflow}-`), executions[0]!.name).toBe(true);
    }
    expect(lines.find((l) => l.startsWith('rotate-lightsail-bucket-key '))).toMatch(/would rotate: .*; would delete \S+/);
    expect(lines.find((l) => l.startsWith('import-iam-server-cert '))).toMatch(/would upload \S+ \(valid, expires /);
    expect(stdout).not.toContain('paused');

    const { calls } = await admin<{ calls: { service: string; operation: string }[] }>(sim, 'GET', '/_sim/calls');
    expect(calls.filter((c) => c.service === 'states').map((c) => c.operation)).toContain('StartExecution');
    const estate = calls.filter((c) => c.service !== 'states');
    expect(estate.length).toBeGreaterThan(0);
    expect(estate.map((c) => c.operation).filter((op) => !/^(Get|List|Describe|Head)/.test(op))).toEqual([]);
    expect((await admin<{ messages: unknown[] }>(sim, 'GET', '/_sim/slack')).messages).toEqual([]);
  }, 60_000);

  it("exits 1 when a target's dry run fails, naming the error on that target's line and still planning the others", async () => {
    const expiry = scenarios.find((s) => s.workflow === 'check-iam-cert-expiry')!;
    const configFile = writeConfig({
      'server-certificate-expiry': { workflow: 'check-iam-cert-expiry', input: await expiry.seed(sim.url) },
      'missing-bucket-key': { workflow: 'rotate-lightsail-bucket-key', input: { bucketName: 'no-such-bucket', secretId: 'keyturn/lightsail/no-such-bucket' } },
    });

    const { code, stdout } = await plan(configFile);

    expect(code).toBe(1);
    const lines = printed(stdout);
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.startsWith('missing-bucket-key '))).toMatch(/ FAILED \S+ in 'Check whether the key is due'/);
    expect(lines.find((l) => l.startsWith('server-certificate-expiry '))).toMatch(/certificate\(s\)/);
    const [failed] = await executionsOf('rotate-lightsail-bucket-key');
    expect(failed).toMatchObject({ status: 'FAILED', input: { bucketName: 'no-such-bucket', dryRun: true } });
    expect(await executionsOf('check-iam-cert-expiry')).toMatchObject([{ status: 'SUCCEEDED', input: { dryRun: true } }]);
  }, 60_000);
});
