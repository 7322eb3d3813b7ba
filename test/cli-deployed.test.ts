/**
 * `keyturn run` without --local and `keyturn status`, against the simulator's Step Functions with
 * the local runner injected as its executor: the deployed state machine is started by name,
 * followed through GetExecutionHistory with the same progress lines as a local run, and the
 * command exits with the execution's status.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateStateMachineCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { keyturn, lastLine } from './support/cli';
import { runnerExecutor } from '../src/local/runner-executor';
import { startSimulator, type Simulator } from '../src/local/sim/server';

const root = fileURLToPath(new URL('./fixtures/runner', import.meta.url));
const definition = readFileSync(join(root, 'state-machines', 'fixture-flow.asl.json'), 'utf8');



describe('keyturn run (deployed) and keyturn status', () => {
  let sim: Simulator;
  let configFile: string;
  const previous = process.env.AWS_ENDPOINT_URL;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, executor: runnerExecutor({ root }) });
    process.env.AWS_ENDPOINT_URL = sim.url;
    configFile = join(mkdtempSync(join(tmpdir(), 'keyturn-deployed-')), 'keyturn.config.yml');
    writeFileSync(
      configFile,
      stringify({
        stage: 'dev',
        targets: {
          nightly: { workflow: 'fixture-flow', schedule: 'rate(1 day)', input: { value: 2, failTimes: 0, boom: 'none' } },
          'signing-key': { workflow: 'fixture-flow', enabled: false, input: { value: 1, failTimes: 0, boom: 'none', secretId: 'keyturn/fixture/key', maxKeyAgeDays: 30 } },
        },
      }),
    );
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;
    await sim.close();
  });
  beforeEach(async () => {
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    await new SFNClient({}).send(new CreateStateMachineCommand({ name: 'keyturn-fixture-flow-dev', definition, roleArn: 'arn:aws:iam::123456789012:role/fixture' }));
  });

  const run = (...args: string[]) => keyturn('run', '--root', root, '--poll-ms', '5', ...args);

  it('starts the deployed state machine, prints the same progress lines as a local run, and exits 0 with the output', async () => {
    const { code, stdout, stderr } = await run('fixture-flow', '--input', '{"value":1,"failTimes":1,"boom":"none"}', '--json');

    expect(code).toBe(0);
    expect(JSON.parse(lastLine(stdout))).toMatchObject({ value: 20, attempts: 2 });
    expect(stderr).toMatch(/started keyturn-fixture-flow-dev \(execution fixture-flow-\d{8}T\d{6}-[0-9a-f]{6}\)/);
    expect(stderr).toMatch(/entered +Prepare \(Task\)/);
    expect(stderr).toMatch(/failed +Flaky step .*FlakyError/);
    expect(stderr).toMatch(/retried +Flaky step \(attempt 1\)/);
    expect(stderr).toMatch(/succeeded +Finish \(\d+ ms\)/);
    expect(stderr).toMatch(/SUCCEEDED fixture-flow/);
  });

  it('exits 1 naming the error and the failed state when the execution fails', async () => {
    const { code, stdout, stderr } = await run('fixture-flow', '--input', '{"value":1,"failTimes":0,"boom":"fatal"}', '--json');

    expect(code).toBe(1);
    expect(stderr).toContain("FatalError in state 'Finish'");
    expect(JSON.parse(lastLine(stdout))).toMatchObject({ status: 'FAILED', error: { name: 'FatalError', state: 'Finish' } });
  });

  it('takes the workflow and input from the config with --target and names the execution after the target', async () => {
    const { code, stdout } = await run('--target', 'nightly', '--config', configFile, '--json');

    expect(code).toBe(0);
    expect(JSON.parse(lastLine(stdout))).toMatchObject({ value: 30 });
    const { executions } = await new SFNClient({}).send(new ListExecutionsCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:keyturn-fixture-flow-dev' }));
    expect(executions![0]!.name).toMatch(/^nightly-\d{8}T\d{6}-[0-9a-f]{6}$/);
  });

  it('exits 1 and says to deploy when the state machine does not exist for the stage', async () => {
    const { code, stderr } = await run('fixture-flow', '--stage', 'prod');

    expect(code).toBe(1);
    expect(stderr).toContain('no state machine keyturn-fixture-flow-prod');
  });

  it('exits 2 for an unknown target or --input with --target', async () => {
    expect((await run('--target', 'nope', '--config', configFile)).code).toBe(2);
    expect((await run('--target', 'nightly', '--config', configFile, '--input', '{}')).code).toBe(2);
  });

  it('lists each target with its last rotation, credential age, next due date and last execution', async () => {
    await fetch(`${sim.url}/_sim/clock`, { method: 'POST', body: JSON.stringify({ offsetSeconds: -10 * 86_400 }) });
    await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: 'keyturn/fixture/key', SecretString: 'x' }));
    await fetch(`${sim.url}/_sim/clock`, { method: 'POST', body: JSON.stringify({ offsetSeconds: 0 }) });
    await run('--target', 'nightly', '--config', configFile);

    const { code, stdout } = await keyturn('status', '--config', configFile, '--root', root, '--json');

    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(rows[0]).toMatchObject({ target: 'nightly', schedule: 'rate(1 day)', lastExecution: { status: 'SUCCEEDED', name: expect.stringMatching(/^nightly-/) } });
    expect(rows[0]).not.toHaveProperty('lastRotation');
    expect(rows[1]).toMatchObject({ target: 'signing-key', schedule: 'disabled', credentialAgeDays: 10 });
    expect(rows[1]).not.toHaveProperty('lastExecution');
    const due = Date.parse(rows[1]!.nextDue as string) - Date.parse(rows[1]!.lastRotation as string);
    expect(due).toBe(30 * 86_400_000);
  });
});
