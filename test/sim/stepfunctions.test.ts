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
  InvalidOutput,
  InvalidToken,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  TaskTimedOut,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runnerExecutor } from '../../src/local/runner-executor';
import { startSimulator, type Simulator } from '../../src/local/sim/server';
import { documented } from '../support/sdk-docs';

const root = fileURLToPath(new URL('../fixtures/runner', import.meta.url));
const definition = readFileSync(join(root, 'state-machines', 'fixture-flow.asl.json'), 'utf8');
const callbackDefinition = readFileSync(join(root, 'state-machines', 'fixture-callback.asl.json'), 'utf8');
/** What the fixture's callback Task was handed (functions/fixture-callback/ask.ts): the test and the runner share a process. */
const asked = ((globalThis as { fixtureCallbackAsked?: { question: string; taskToken: string }[] }).fixtureCallbackAsked ??= []);
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

  describe('the callback pattern (.waitForTaskToken)', () => {
    /** Starts the callback fixture and returns its execution and the token its Task was handed. */
    const ask = async (name: string, timeoutSeconds = 300) => {
      const { stateMachineArn } = await client.send(new CreateStateMachineCommand({ name: 'keyturn-fixture-callback-dev', definition: callbackDefinition, roleArn }));
      const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ question: name, timeoutSeconds }) }));
      const taskToken = await vi.waitFor(() => {
        const found = asked.find((a) => a.question === name);
        if (!found) throw new Error('not asked yet');
        return found.taskToken;
      }, { timeout: 10_000, interval: 10 });
      return { executionArn: executionArn!, taskToken };
    };

    it(documented('sfn', 'SendTaskSuccess', "Used by activity workers, Task states using the callback pattern, and optionally Task states using the job run pattern to report that the task identified by the taskToken completed successfully.").title, async () => {
      const { executionArn, taskToken } = await ask('approve-1');

      expect(taskToken).toMatch(/^AQ[A-Za-z0-9_-]{100,}$/);
      expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
      await client.send(new SendTaskHeartbeatCommand({ taskToken }));
      await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ approvedBy: 'U1' }) }));

      const done = await finished(executionArn);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output!)).toEqual({ question: 'approve-1', timeoutSeconds: 300, answer: { approvedBy: 'U1' } });
    });

    it(documented('sfn', 'SendTaskFailure', "Used by activity workers, Task states using the callback pattern, and optionally Task states using the job run pattern to report that the task identified by the taskToken failed.").title, async () => {
      const { executionArn, taskToken } = await ask('reject-1');

      await client.send(new SendTaskFailureCommand({ taskToken, error: 'ApprovalRejected', cause: 'rejected by U2' }));

      const done = await finished(executionArn);
      expect(JSON.parse(done.output!).error).toEqual({ Error: 'ApprovalRejected', Cause: 'rejected by U2' });
    });

    it(documented('sfn', 'SendTaskSuccess', "The task token has either expired or the task associated with the token has already been closed.").title, async () => {
      const { executionArn, taskToken } = await ask('twice');

      // Two answers at once (two approvers clicking): one closes the task, the other is told it is closed.
      const answers = await Promise.allSettled([
        client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ by: 'first' }) })),
        client.send(new SendTaskFailureCommand({ taskToken, error: 'ApprovalRejected' })),
      ]);
      await finished(executionArn);

      expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      expect(answers.filter((a) => a.status === 'rejected').map((a) => (a as PromiseRejectedResult).reason)).toEqual([expect.any(TaskTimedOut)]);
      await expect(client.send(new SendTaskHeartbeatCommand({ taskToken }))).rejects.toBeInstanceOf(TaskTimedOut);
    });

    it(documented('sfn', 'SendTaskHeartbeat', "However, if the task times out, the execution history contains an ActivityTimedOut entry for activities, or a TaskTimedOut entry for tasks using the job run or callback pattern.").title, async () => {
      const { executionArn, taskToken } = await ask('late', 1);

      const done = await finished(executionArn);

      expect(JSON.parse(done.output!).error).toMatchObject({ Error: 'States.Timeout' });
      const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
      expect(events!.map((e) => e.type)).toContain('TaskTimedOut');
      expect(events!.find((e) => e.type === 'TaskTimedOut')!.taskTimedOutEventDetails).toMatchObject({ error: 'States.Timeout' });
      await expect(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
    });

    it(documented('sfn', 'SendTaskSuccess', "The provided token is not valid.").title, async () => {
      await expect(client.send(new SendTaskSuccessCommand({ taskToken: 'AQforged', output: '{}' }))).rejects.toBeInstanceOf(InvalidToken);
      await expect(client.send(new SendTaskFailureCommand({ taskToken: 'AQforged' }))).rejects.toBeInstanceOf(InvalidToken);
    });

    it(documented('sfn', 'SendTaskSuccess', "The provided JSON output data is not valid.").title, async () => {
      const { executionArn, taskToken } = await ask('bad-output');

      await expect(client.send(new SendTaskSuccessCommand({ taskToken, output: '{not json' }))).rejects.toBeInstanceOf(InvalidOutput);
      // The token is still open: a valid answer closes it.
      await client.send(new SendTaskSuccessCommand({ taskToken, output: '"ok"' }));
      expect((await finished(executionArn)).status).toBe('SUCCEEDED');
    });
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
