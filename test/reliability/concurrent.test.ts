/**
 * Two rotations at once: the same target started together (two executions), and the second
 * started while the first is at each of its Tasks. Exactly one does the work; for a rotation the
 * other ends cleanly with RotationInProgressError; the end state is an uninterrupted run's.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/local/runner';
import type { Target, TargetAdapter } from './support/adapter';
import { useHarness, type Harness } from './support/harness';
import { count, tried } from './support/ledger';
import { LONG, TEST_TIMEOUT_MS } from './support/mode';
import { KNOWN_BUGS, knownBug } from './known-bugs';
import { record } from './support/ledger';
import { duplicatedSlackOutcomes, loadAdapters, sharedReference, uniqueName, workflowsPresent, type Reference } from './support/targets';

const h = useHarness();
const present = new Set(workflowsPresent());
const adapters = (await loadAdapters()).filter((a) => present.has(a.workflow));

async function checkPair(harness: Harness, adapter: TargetAdapter, target: Target, reference: Reference, results: RunResult[]): Promise<void> {
  const worked = results.filter((r) => adapter.didWork(r));
  if (adapter.kind === 'rotation') {
    expect.soft(worked, `exactly one rotates: ${results.map((r) => `${r.status} ${r.error?.name ?? ''}`).join(', ')}`).toHaveLength(1);
    const other = results.find((r) => !adapter.didWork(r));
    expect.soft(other?.status).toBe('FAILED');
    expect.soft(other?.error?.name).toBe('RotationInProgressError');
    expect.soft(other?.error?.cause ?? '').toMatch(/in progress/i);
  } else {
    expect.soft(worked.length, 'at least one did the work').toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status !== 'SUCCEEDED') expect(r.error?.name, 'a clean, named failure').not.toMatch(/^States\./);
  }
  expect.soft(await adapter.snapshot(harness, target)).toEqual(reference.snapshot);
  expect.soft(await adapter.invariants(harness, target)).toEqual([]);
  if (adapter.kind === 'rotation') expect.soft(duplicatedSlackOutcomes(harness)).toEqual([]);
}

for (const adapter of adapters) {
  describe(`${adapter.workflow}: two runs of one target at once`, () => {
    const bug = KNOWN_BUGS[`${adapter.workflow} | two executions started together`];
    if (bug) it.skip(`two executions started together — known bug: ${bug}`, () => undefined);
    let reference: Reference | undefined;
    it('(reference)', async () => {
      reference = await sharedReference(h, adapter);
    }, TEST_TIMEOUT_MS);

    const rounds = LONG ? 5 : 1;
    it(`started together (${rounds}×): exactly one does the work, the other ends cleanly`, async () => {
      for (let round = 0; round < rounds; round += 1) {
        const label = `two executions started together (round ${round + 1})`;
        const bug = knownBug(adapter.workflow, 'two executions started together');
        if (bug) {
          record({ part: 'concurrent', workflow: adapter.workflow, case: label, held: false, skipped: true, runs: 0, note: bug });
          continue;
        }
        await h.sim.admin('POST', '/_sim/reset');
        await tried({ part: 'concurrent', workflow: adapter.workflow, case: label }, async (tally) => {
          const target = await adapter.seed(h);
          const results = await Promise.all([uniqueName('twin-a'), uniqueName('twin-b')].map((executionName) => h.run(adapter.workflow, target.input, { executionName })));
          tally.runs += 2;
          count(tally, 'races');
          await checkPair(h, adapter, target, reference!, results);
        });
      }
    }, TEST_TIMEOUT_MS);

    // Harness TODO: the second run completes while the first waits in its hook, so the runs are
    // sequential, not concurrent; the expected outcome depends on whether the first holds the lock
    // (between creating AWSPENDING and promotion). Pick only those states before enabling.
    it.skip('the second started while the first is at each Task: one does the work', async () => {
      const tasks = [...(reference?.callsByState.keys() ?? [])];
      const picks = LONG ? tasks : [tasks[Math.floor(tasks.length / 2)]!];
      for (const at of picks) {
        await h.sim.admin('POST', '/_sim/reset');
        await tried({ part: 'concurrent', workflow: adapter.workflow, case: `second execution started while the first is at "${at}"` }, async (tally) => {
          const target = await adapter.seed(h);
          let second: Promise<RunResult> | undefined;
          const first = await h.run(adapter.workflow, target.input, {
            executionName: uniqueName('first'),
            onTransition: async (t) => {
              if (t.state === at && t.phase === 'before' && !second) {
                second = h.run(adapter.workflow, target.input, { executionName: uniqueName('second') });
                await second;
              }
            },
          });
          tally.runs += 2;
          count(tally, 'races');
          expect(second, `the first run reached "${at}"`).toBeDefined();
          await checkPair(h, adapter, target, reference!, [first, await second!]);
        });
      }
    }, TEST_TIMEOUT_MS * 2);
  });
}
