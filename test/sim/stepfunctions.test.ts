/**
 * The simulator's Step Functions (awsJson1_0) through the real SFN client: state machines,
 * executions run by the injected executor (the local runner on the fixture workflow), their
 * history in AWS's event shapes, and AWS's errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runnerExecutor } from '../../src/local/runner-executor';
import { startSimulator, type Simulator } from '../../src/local/sim/server';

const root = fileURLToPath(new URL('../fixtures/runner', import.meta.url));
const definition = readFileSync(join(root, 'state-machines', 'fixture-flow.asl.json'), 'utf8');
const roleArn = 'arn:aws:iam::123456789012:role/keyturn-fixture-flow-role';

describe('simulated Step Functions', () => {
  let sim: Simulator;
  let client: SFNClient;
  const previous = process.env.AWS_ENDPOINT_URL;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, executor: runnerExecutor({ root }) });
    process.env.AWS_ENDPOINT_URL = sim.url; // the fixture handlers' SDK calls go to the same simulator
    client = new SFNClient({ endpoint: sim.url, region: 'us-east-1' });
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;
    await sim.close();
  });
  beforeEach(async () => {
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
  });

  const createMachine = async (name = 'keyturn-fixture-flow-dev') =>
    (await client.send(new CreateStateMachineCommand({ name, definition, roleArn }))).stateMachineArn!;

  const finished = (executionArn: string) =>
    vi.waitFor(
      async () => {
        const described = await client.send(new DescribeExecutionCommand({ executionArn }));
        if (described.status === 'RUNNING') throw new Error('still running');
        return described;
      },
      { timeout: 15_000, interval: 20 },
    ) as Promise<DescribeExecutionCommandOutput>;

  it('creates a state machine, idempotently for the same definition, and lists it', async () => {
    const arn = await createMachine();
    const again = await createMachine();

    expect(arn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:keyturn-fixture-flow-dev');
    expect(again).toBe(arn);
    const { stateMachines } = await client.send(new ListStateMachinesCommand({}));
    expect(stateMachines).toMatchObject([{ name: 'keyturn-fixture-flow-dev', stateMachineArn: arn, type: 'STANDARD' }]);
    expect(stateMachines![0]!.creationDate).toBeInstanceOf(Date);
  });

  it('refuses a second state machine of the same name with another definition (StateMachineAlreadyExists)', async () => {
    await createMachine();
    const other = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });

    await expect(client.send(new CreateStateMachineCommand({ name: 'keyturn-fixture-flow-dev', definition: other, roleArn }))).rejects.toBeInstanceOf(StateMachineAlreadyExists);
  });

  it('runs an execution through the executor: RUNNING at once, then SUCCEEDED with its output', async () => {
    const stateMachineArn = await createMachine();

    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: JSON.stringify({ value: 1, failTimes: 1, boom: 'none' }) }));
    const started = await client.send(new DescribeExecutionCommand({ executionArn }));
    const done = await finished(executionArn!);

    expect(executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:keyturn-fixture-flow-dev:run-1');
    expect(started.status).toBe('RUNNING');
    expect(done).toMatchObject({ status: 'SUCCEEDED', name: 'run-1', stateMachineArn });
    expect(JSON.parse(done.output!)).toMatchObject({ value: 20, attempts: 2 });
    expect(done.stopDate!.getTime()).toBeGreaterThanOrEqual(done.startDate!.getTime());
  });

  it('records the history in AWS event types: a retry is a new TaskScheduled after TaskFailed', async () => {
    const stateMachineArn = await createMachine();
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'run-2', input: JSON.stringify({ value: 1, failTimes: 1, boom: 'none' }) }));
    await finished(executionArn!);

    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = events!.map((e) => e.type);

    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(events!.map((e) => e.id)).toEqual(events!.map((_, i) => i + 1));
    const flaky = events!.findIndex((e) => e.stateEnteredEventDetails?.name === 'Flaky step');
    expect(types.slice(flaky, flaky + 6)).toEqual(['TaskStateEntered', 'TaskScheduled', 'TaskFailed', 'TaskScheduled', 'TaskSucceeded', 'TaskStateExited']);
    expect(events![flaky + 2]!.taskFailedEventDetails).toMatchObject({ error: 'FlakyError' });
  });

  it('leaves inputs and outputs out of the history with includeExecutionData: false, and pages it', async () => {
    const stateMachineArn = await createMachine();
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'run-3', input: JSON.stringify({ value: 1, failTimes: 0, boom: 'none' }) }));
    await finished(executionArn!);

    const first = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 2, includeExecutionData: false }));
    const rest = await client.send(new GetExecutionHistoryCommand({ executionArn, nextToken: first.nextToken, maxResults: 1000, includeExecutionData: false }));
    const reversed = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));

    expect(first.events).toHaveLength(2);
    expect(first.events![0]!.executionStartedEventDetails).not.toHaveProperty('input');
    expect(rest.events!.at(-1)!.executionSucceededEventDetails).not.toHaveProperty('output');
    expect(reversed.events![0]!.type).toBe('ExecutionSucceeded');
  });

  it('fails an execution with the error its state threw, and lists executions newest first by status', async () => {
    const stateMachineArn = await createMachine();
    const ok = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'good', input: JSON.stringify({ value: 1, failTimes: 0, boom: 'none' }) }));
    await finished(ok.executionArn!);
    const bad = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'bad', input: JSON.stringify({ value: 1, failTimes: 0, boom: 'fatal' }) }));

    const done = await finished(bad.executionArn!);
    const all = await client.send(new ListExecutionsCommand({ stateMachineArn }));
    const failed = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'FAILED' }));
    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn: bad.executionArn, reverseOrder: true, maxResults: 1 }));

    expect(done).toMatchObject({ status: 'FAILED', error: 'FatalError' });
    expect(events![0]).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'FatalError' } });
    expect(all.executions!.map((e) => e.name)).toEqual(['bad', 'good']);
    expect(failed.executions!.map((e) => e.name)).toEqual(['bad']);
  });

  it('rejects a reused execution name once that execution has ended (ExecutionAlreadyExists)', async () => {
    const stateMachineArn = await createMachine();
    const input = JSON.stringify({ value: 1, failTimes: 0, boom: 'none' });
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'once', input }));
    await finished(executionArn!);

    await expect(client.send(new StartExecutionCommand({ stateMachineArn, name: 'once', input }))).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('answers StateMachineDoesNotExist for an unknown state machine', async () => {
    const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:nope';

    await expect(client.send(new StartExecutionCommand({ stateMachineArn }))).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('refuses to start executions when no executor was injected', async () => {
    const bare = await startSimulator({ port: 0 });
    try {
      const bareClient = new SFNClient({ endpoint: bare.url, region: 'us-east-1', maxAttempts: 1 });
      const { stateMachineArn } = await bareClient.send(new CreateStateMachineCommand({ name: 'm', definition, roleArn }));

      await expect(bareClient.send(new StartExecutionCommand({ stateMachineArn }))).rejects.toThrow(/without an executor/);
    } finally {
      await bare.close();
    }
  });
});
