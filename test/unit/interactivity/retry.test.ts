import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackRequestRejectedError } from '../../../src/interactivity/errors';
import { retryExecutionName, retryRotation } from '../../../src/interactivity/retry';

const sfn = mockClient(SFNClient);
const deps = { states: new SFNClient({}), log: { debug() {}, info() {}, warn() {}, error() {} } };
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:keyturn-rotate-cloudfront-key-dev';
const FAILED = 'arn:aws:states:us-east-1:123456789012:execution:keyturn-rotate-cloudfront-key-dev:nightly-1';
const input = { keyGroupId: 'kg', secretId: 'keyturn/cf', target: 'media-signing-key' };

afterEach(() => sfn.reset());

describe('retryRotation', () => {
  it("starts the failed execution's state machine with its input and its rotation id (the failed execution's name)", async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', stateMachineArn: MACHINE, input: JSON.stringify(input) });
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE.replace('stateMachine', 'execution')}:${retryExecutionName(FAILED)}` });
    const out = await retryRotation(deps, { executionArn: FAILED, stage: 'dev' });
    expect(out).toMatchObject({ kind: 'started', rotationId: 'nightly-1' });
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: MACHINE,
      name: retryExecutionName(FAILED),
      input: JSON.stringify({ ...input, rotationId: 'nightly-1' }),
    });
  });

  it('keeps a rotationId the failed input already named (a retry of a retry resumes the same rotation)', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', stateMachineArn: MACHINE, input: JSON.stringify({ ...input, rotationId: 'first' }) });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'x' });
    expect(await retryRotation(deps, { executionArn: FAILED, stage: 'dev' })).toMatchObject({ rotationId: 'first' });
  });

  it('reports the retry someone else started first, by its one name, instead of starting another', async () => {
    sfn.on(DescribeExecutionCommand).resolvesOnce({ status: 'FAILED', stateMachineArn: MACHINE, input: '{}' }).resolves({ status: 'SUCCEEDED' });
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    expect(await retryRotation(deps, { executionArn: FAILED, stage: 'dev' })).toEqual({
      kind: 'already-retried',
      executionArn: FAILED.replace('nightly-1', retryExecutionName(FAILED)),
      status: 'SUCCEEDED',
    });
  });

  it('starts nothing for an execution that did not fail (an outdated message)', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', stateMachineArn: MACHINE, input: '{}' });
    expect(await retryRotation(deps, { executionArn: FAILED, stage: 'dev' })).toEqual({ kind: 'not-failed', status: 'SUCCEEDED' });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it("refuses an execution of another state machine or stage before any call", async () => {
    for (const arn of [FAILED.replace('keyturn-rotate-cloudfront-key-dev', 'payroll-dev'), FAILED.replace('-dev:', '-prod:'), 'not an arn']) {
      await expect(retryRotation(deps, { executionArn: arn, stage: 'dev' })).rejects.toBeInstanceOf(SlackRequestRejectedError);
    }
    expect(sfn.calls()).toHaveLength(0);
  });
});
