import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runWorkflow, UnknownWorkflowError, WorkflowDefinitionError, type ProgressEvent, type RunOptions } from '../src/local/runner';
import { payloadBytes } from '../src/local/runner-payload-limit';
import { lambdaLogicalId } from '../workflows/asl';
import { useSimulator } from './support/sim';

const root = fileURLToPath(new URL('./fixtures/runner', import.meta.url));
const run = (input: Record<string, unknown>, options: RunOptions = {}) =>
  runWorkflow('fixture-flow', { value: 1, failTimes: 0, boom: 'none', ...input }, { root, skipWaits: true, ...options });

describe('runWorkflow', () => {
  it('runs each Task through the handler its serverless fragment names and returns the output', async () => {
    const result = await run({ value: 2 });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ value: 30, attempts: 1, finishedAt: '1970-01-01T00:00:00.000Z' });
    const prepared = result.history.find((e) => e.type === 'StateExited' && e.state === 'Prepare')?.output;
    expect(prepared).toMatchObject({ executionName: result.executionName, functionName: 'keyturn-local-prepare', hasRequestId: true, remainingPositive: true });
  });

  it('passes the execution name to handlers through $$.Execution.Name', async () => {
    const result = await run({}, { executionName: 'rerun-42' });

    expect(result.executionName).toBe('rerun-42');
    expect(result.history.find((e) => e.state === 'Prepare' && e.type === 'StateExited')?.output).toMatchObject({ executionName: 'rerun-42' });
  });

  it('retries a Task whose handler throws an error named in Retry', async () => {
    const progress: ProgressEvent[] = [];

    const result = await run({ failTimes: 2 }, { onProgress: (p) => progress.push(p) });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ attempts: 3 });
    expect(progress.filter((p) => p.state === 'Flaky step').map((p) => `${p.kind}${p.attempt ?? p.error ?? ''}`)).toEqual([
      'entered',
      'failedFlakyError',
      'retried1',
      'failedFlakyError',
      'retried2',
      'succeeded',
    ]);
  });

  it('fails with the error name and the state once Retry gives up', async () => {
    const result = await run({ failTimes: 9 });

    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({ name: 'FlakyError', state: 'Flaky step' });
  });

  it('hands a caught error to the catcher as { Error, Cause } with Cause in the JSON shape Lambda reports', async () => {
    const progress: ProgressEvent[] = [];

    const result = await run({ boom: 'caught' }, { onProgress: (p) => progress.push(p) });

    expect(progress.filter((p) => p.state === 'Finish').map((p) => p.kind)).toEqual(['entered', 'failed', 'caught']);
    const compensateInput = result.history.find((e) => e.type === 'StateEntered' && e.state === 'Compensate')?.input as { error: { Error: string; Cause: string } };
    expect(compensateInput.error.Error).toBe('BoomError');
    expect(JSON.parse(compensateInput.error.Cause)).toEqual({ errorType: 'BoomError', errorMessage: 'finish went boom' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toEqual({ name: 'FixtureFailed', cause: 'the finish step failed and was compensated', state: 'Fixture failed' });
  });

  it('fails with the thrown error name and its state when nothing catches it', async () => {
    const result = await run({ boom: 'fatal' });

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('FatalError');
    expect(result.error?.state).toBe('Finish');
    expect(result.history.at(-1)?.type).toBe('ExecutionFailed');
  });

  it('stops right after stopAfterState, as a Lambda timeout would, and runs nothing else', async () => {
    const invoked: string[] = [];

    const result = await run({ failTimes: 1 }, { stopAfterState: 'Flaky step', onTransition: (t) => void (t.phase === 'before' && invoked.push(t.state)) });

    expect(result.status).toBe('STOPPED');
    expect(result.output).toMatchObject({ value: 2, attempts: 2 });
    expect(invoked).toEqual(['Prepare', 'Flaky step', 'Flaky step']);
    expect(result.history.slice(-2).map((e) => `${e.type}:${e.state ?? ''}`)).toEqual(['StateExited:Flaky step', 'ExecutionAborted:']);
  });

  it('stops after a non-Task state too', async () => {
    const invoked: string[] = [];

    const result = await run({}, { stopAfterState: 'Wait a moment', onTransition: (t) => void (t.phase === 'before' && invoked.push(t.state)) });

    expect(result.status).toBe('STOPPED');
    expect(invoked).toEqual(['Prepare', 'Flaky step']);
  });

  it('awaits onTransition before and after every Task invocation, in order', async () => {
    const log: string[] = [];

    await run({ failTimes: 1 }, {
      onTransition: async (t) => {
        log.push(`${t.phase} ${t.state}${t.error ? ` ${t.error.name}` : ''}`);
        await new Promise<void>((resolve) => setImmediate(resolve));
        log.push(`done ${t.phase} ${t.state}`);
      },
      onProgress: (p) => void (p.kind === 'entered' && log.push(`entered ${p.state}`)),
    });

    expect(log).toEqual([
      'entered Prepare', 'before Prepare', 'done before Prepare', 'after Prepare', 'done after Prepare',
      'entered Flaky step', 'before Flaky step', 'done before Flaky step', 'after Flaky step FlakyError', 'done after Flaky step',
      'before Flaky step', 'done before Flaky step', 'after Flaky step', 'done after Flaky step',
      'entered Wait a moment',
      'entered Finish', 'before Finish', 'done before Finish', 'after Finish', 'done after Finish',
    ]);
  });

  describe('waits', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('waits for real without skipWaits, and not at all with it', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      let entered!: () => void;
      const waiting = new Promise<void>((resolve) => (entered = resolve));
      let settled = false;

      const running = run({}, { skipWaits: false, fastRetries: true, onProgress: (p) => p.kind === 'entered' && p.state === 'Wait a moment' && entered() }).finally(() => {
        settled = true;
      });
      await waiting;
      await vi.advanceTimersByTimeAsync(1_999);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await running).status).toBe('SUCCEEDED');

      vi.useRealTimers();
      const skipped = await run({ failTimes: 2 }, { skipWaits: true });
      const waited = skipped.history.filter((e) => e.state === 'Wait a moment');
      expect(waited.at(-1)!.timestamp - waited[0]!.timestamp).toBeLessThan(1_000);
      expect(skipped.history.at(-1)!.elapsedMs).toBeLessThan(1_000); // two retries of 2 s and 4 s, skipped
    });
  });

  describe('payload quota (256 KiB)', () => {
    const emit = (resultBytes: number, options: RunOptions = {}) => runWorkflow('fixture-payload', { resultBytes }, { root, skipWaits: true, ...options });
    const inputOfBytes = (bytes: number, filler = 'x') => {
      const base = { value: 1, failTimes: 0, boom: 'none', pad: '' };
      return { ...base, pad: `${'x'.repeat(bytes - payloadBytes(base) - Buffer.byteLength(filler))}${filler}` };
    };

    it('fails a Task whose result is over 256 KiB with States.DataLimitExceeded, which neither Retry nor Catch on States.ALL matches', async () => {
      const invoked: string[] = [];

      const result = await emit(300_000, { onTransition: (t) => void (t.phase === 'before' && invoked.push(t.state)) });

      expect(result.status).toBe('FAILED');
      expect(result.error).toMatchObject({ name: 'States.DataLimitExceeded', state: 'Emit' });
      expect(result.error?.cause).toContain('300014 bytes');
      expect(invoked).toEqual(['Emit']);
      expect(result.history.some((e) => e.state === 'Caught')).toBe(false);
      expect(result.history.at(-1)).toMatchObject({ type: 'ExecutionFailed', error: 'States.DataLimitExceeded' });
    });

    it('fails a state whose output is over 256 KiB though its input and the Task results were within it', async () => {
      const progress: ProgressEvent[] = [];

      const result = await emit(140_000, { onProgress: (p) => progress.push(p) });

      expect(result.status).toBe('FAILED');
      expect(result.error).toMatchObject({ name: 'States.DataLimitExceeded', state: 'Double' });
      expect(result.output).toBeUndefined();
      expect(result.history.slice(-2).map((e) => `${e.type}:${e.state ?? ''}:${e.error ?? ''}`)).toEqual([
        'StateFailed:Double:States.DataLimitExceeded',
        'ExecutionFailed::States.DataLimitExceeded',
      ]);
      expect(progress.filter((p) => p.state === 'Double').map((p) => p.kind)).toEqual(['entered', 'failed']);
    });

    it('passes payloads within 256 KiB', async () => {
      const result = await emit(100_000);

      expect(result.status).toBe('SUCCEEDED');
    });

    it('accepts an execution input of exactly 262,144 bytes and fails one a byte larger (UTF-8) before any state runs', async () => {
      const invoked: string[] = [];
      const onTransition: RunOptions['onTransition'] = (t) => void (t.phase === 'before' && invoked.push(t.state));
      const atLimit = inputOfBytes(262_144);
      const overLimit = inputOfBytes(262_145, 'é'); // as many characters as atLimit: bytes are what count
      expect(overLimit.pad.length).toBe(atLimit.pad.length);

      const within = await runWorkflow('fixture-flow', atLimit, { root, skipWaits: true });
      const over = await runWorkflow('fixture-flow', overLimit, { root, skipWaits: true, onTransition });

      expect(within.status).toBe('SUCCEEDED');
      expect(over.status).toBe('FAILED');
      expect(over.error).toMatchObject({ name: 'States.DataLimitExceeded' });
      expect(over.error?.cause).toContain('262145 bytes');
      expect(over.history.map((e) => e.type)).toEqual(['ExecutionFailed']);
      expect(invoked).toEqual([]);
    });
  });

  it('rejects an unknown workflow', async () => {
    await expect(runWorkflow('no-such-workflow', {}, { root })).rejects.toBeInstanceOf(UnknownWorkflowError);
  });

  it('rejects a stopAfterState that names no state', async () => {
    await expect(run({}, { stopAfterState: 'Nope' })).rejects.toBeInstanceOf(WorkflowDefinitionError);
  });

  it('derives logical ids as serverless does', () => {
    expect(lambdaLogicalId('cloudfrontCreatePublicKey')).toBe('CloudfrontCreatePublicKeyLambdaFunction');
    expect(lambdaLogicalId('flaky-step')).toBe('FlakyDashstepLambdaFunction');
    expect(lambdaLogicalId('compensate_step')).toBe('CompensateUnderscorestepLambdaFunction');
  });

  describe('on the simulator', () => {
    const sim = useSimulator();

    it('attributes every AWS call to the function that made it, even when functions run at once', async () => {
      const result = await runWorkflow('fixture-caller', {}, { root });

      expect(result.status).toBe('SUCCEEDED');
      const { calls } = await sim.admin<{ calls: { operation: string; caller?: string }[] }>('GET', '/_sim/calls');
      expect(calls.map((c) => `${c.operation} ${c.caller}`).sort()).toEqual(['DescribeSecret describeFirst', 'DescribeSecret describeSecond']);
    });
  });
});
