/**
 * Two rotations at once: the same target started together (two executions), and the second
 * started while the first is paused at a Task (before it runs), run to its end, then the first
 * let go. Started together: exactly one does the work; for a rotation the other ends cleanly with
 * RotationInProgressError; the end state is an uninterrupted run's. Started at a Task: what is
 * right depends on where the first stands with the rotation lock (AWSPENDING on the lock secret),
 * which the harness reads from the secret at that moment (sequentialOutcome says what follows).
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/local/runner';
import { labelOf } from './support/adapter';
import type { Target, TargetAdapter } from './support/adapter';
import { useHarness, type Harness } from './support/harness';
import { count, skippedForKnownBug, tried } from './support/ledger';
import { LONG, TEST_TIMEOUT_MS } from './support/mode';
import { KNOWN_BUGS, knownBug } from './known-bugs';
import {
  duplicatedSlackOutcomes,
  loadAdapters,
  lockPhaseOf,
  lockSecretVersions,
  probeCurrent,
  sharedReference,
  uniqueName,
  workflowsPresent,
  type LockPhase,
  type Reference,
} from './support/targets';

const h = useHarness();
const present = new Set(workflowsPresent());
const adapters = (await loadAdapters()).filter((a) => present.has(a.workflow));

async function checkPair(harness: Harness, adapter: TargetAdapter, target: Target, reference: Reference, results: RunResult[]): Promise<void> {
  const worked = results.filter((r) => adapter.didWork(r));
  if (adapter.kind === 'rotation') {
    expect(worked, `exactly one rotates: ${results.map((r) => `${r.status} ${r.error?.name ?? ''}`).join(', ')}`).toHaveLength(1);
    const other = results.find((r) => !adapter.didWork(r));
    expect(other?.status).toBe('FAILED');
    expect(other?.error?.name).toBe('RotationInProgressError');
    expect(other?.error?.cause ?? '').toMatch(/in progress/i);
  } else {
    expect(worked.length, 'at least one did the work').toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status !== 'SUCCEEDED') expect(r.error?.name, 'a clean, named failure').not.toMatch(/^States\./);
  }
  expect(await adapter.snapshot(harness, target)).toEqual(reference.snapshot);
  expect(await adapter.invariants(harness, target)).toEqual([]);
  if (adapter.kind === 'rotation') expect(duplicatedSlackOutcomes(harness)).toEqual([]);
}

/** The second run, started while the first was paused at a Task, and what the harness saw around it. */
interface Meeting {
  /** Where the first stood with the lock when the second started (read from the lock secret). */
  phase: LockPhase;
  second: RunResult;
  /** The end-state snapshot just before and just after the second run (the first paused). */
  before: unknown;
  after: unknown;
  /** The invariants just after the second run. */
  invariantsAfter: string[];
}

const startedAtLabel = (state: string) => `second execution started while the first is at "${state}"`;

/**
 * Long: every Task of the routine run. Default: the middle Task the reference run held the lock
 * at, and, workflows taking turns, the last Task before it took the lock or the first after it
 * released it. Phases come from the reference run's own observation; a known bug's Task is not
 * sampled (it would only be skipped).
 */
function tasksToStartAt(adapter: TargetAdapter, reference: Reference, turn: number): string[] {
  const tasks = [...reference.callsByState.keys()];
  if (LONG) return tasks;
  const inPhase = (phase: LockPhase) => tasks.filter((t) => reference.lockPhases[t] === phase && !knownBug(labelOf(adapter), startedAtLabel(t)));
  const holding = inPhase('holding the lock');
  const other = turn % 2 === 0 ? inPhase('before taking the lock').at(-1) : inPhase('after releasing the lock')[0];
  return [holding[Math.floor(holding.length / 2)], other].filter((t): t is string => t !== undefined);
}

const twoRotationsByWorkflow = new Map<string, unknown>();

/**
 * The end state of two routine rotations in a row on a fresh seed (the second forced: the first
 * leaves the target not due). Resets the simulator: call it only once the case has been read.
 */
async function twoRotations(adapter: TargetAdapter): Promise<unknown> {
  if (!twoRotationsByWorkflow.has(labelOf(adapter))) {
    await h.sim.admin('POST', '/_sim/reset');
    const target = await adapter.seed(h);
    for (const [i, input] of [target.input, { ...target.input, force: true }].entries()) {
      const run = await h.run(adapter.workflow, input, { label: `${labelOf(adapter)} two rotations in a row (${i + 1})` });
      if (run.status !== 'SUCCEEDED' || !adapter.didWork(run)) throw new Error(`two rotations in a row: run ${i + 1} ${run.status} ${run.error?.name ?? ''}`);
    }
    expect(await adapter.invariants(h, target)).toEqual([]);
    twoRotationsByWorkflow.set(labelOf(adapter), await adapter.snapshot(h, target));
  }
  return twoRotationsByWorkflow.get(labelOf(adapter));
}

/**
 * What the lock promises when the second run starts while the first is paused at a Task, and
 * runs to its end before the first goes on. The phase is observed; the expectation follows:
 * - holding the lock: the second is refused (RotationInProgressError) and changes nothing; the
 *   first rotates; the end state is an uninterrupted run's.
 * - before taking the lock: the second is a lone routine run on a due target: it rotates and
 *   leaves a routine run's state. The first goes on from a decision made before that rotation:
 *   it finds its work done or fails cleanly (the second's rotation stands), or rotates once more,
 *   and then the end state is two routine rotations' (what its promotion displaced is retired).
 * - after releasing the lock: the first has promoted; the second does what a lone run does on a
 *   just-rotated target (not due; forced, one more rotation) and succeeds; the first finishes
 *   retiring; the end state is one rotation's, or two's if the second rotated.
 * Always: the invariants hold at the end and Slack tells no outcome twice (unless two rotations
 * happened, which tell the same outcome each).
 */
async function sequentialOutcome(adapter: TargetAdapter, target: Target, reference: Reference, first: RunResult, met: Meeting): Promise<string[]> {
  const problems: string[] = [];
  const want = (holds: boolean, problem: string) => {
    if (!holds) problems.push(problem);
  };
  const outcome = (r: RunResult) => `${r.status}${r.error ? ` ${r.error.name}: ${String(r.error.cause ?? '').slice(0, 200)}` : ''}${adapter.didWork(r) ? ' (rotated)' : ''}`;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const { phase, second } = met;
  let rotations: number;
  if (phase === 'holding the lock') {
    want(second.status === 'FAILED' && second.error?.name === 'RotationInProgressError' && /in progress/i.test(String(second.error?.cause ?? '')), `the second should be refused with RotationInProgressError, got ${outcome(second)}`);
    want(same(met.before, met.after), `the refused second changed the target: ${JSON.stringify(met.before)} → ${JSON.stringify(met.after)}`);
    want(first.status === 'SUCCEEDED' && adapter.didWork(first), `the first, holding the lock, should rotate, got ${outcome(first)}`);
    rotations = 1;
  } else if (phase === 'before taking the lock') {
    want(second.status === 'SUCCEEDED' && adapter.didWork(second), `the second, alone on a due target, should rotate, got ${outcome(second)}`);
    want(same(met.after, reference.snapshot), `after the second: ${JSON.stringify(met.after)} ≠ a routine run's ${JSON.stringify(reference.snapshot)}`);
    problems.push(...met.invariantsAfter.map((v) => `after the second: ${v}`));
    want(first.status === 'SUCCEEDED' || !(first.error?.name ?? 'States.').startsWith('States.'), `the first should end cleanly, got ${outcome(first)}`);
    rotations = adapter.didWork(first) ? 2 : 1;
  } else {
    want(first.status === 'SUCCEEDED' && adapter.didWork(first), `the first, past its promotion, should finish its rotation, got ${outcome(first)}`);
    want(second.status === 'SUCCEEDED', `the second, alone on a rotated target, should succeed, got ${outcome(second)}`);
    rotations = adapter.didWork(second) ? 2 : 1;
  }
  const end = await adapter.snapshot(h, target);
  problems.push(...(await adapter.invariants(h, target)));
  if (rotations === 1) problems.push(...duplicatedSlackOutcomes(h).map((d) => `Slack told twice: ${d}`));
  const expected = rotations === 1 ? reference.snapshot : await twoRotations(adapter);
  want(same(end, expected), `end state ${JSON.stringify(end)} ≠ ${rotations === 1 ? 'one routine rotation' : 'two routine rotations in a row'}: ${JSON.stringify(expected)} (first ${outcome(first)}; second ${outcome(second)})`);
  return problems;
}

const lockAdapters = adapters.filter((a) => a.lockSecretId);

for (const adapter of adapters) {
  const turn = lockAdapters.indexOf(adapter);
  describe(`${labelOf(adapter)}: two runs of one target at once`, () => {
    const bug = KNOWN_BUGS[`${labelOf(adapter)} | two executions started together`];
    if (bug) it.skip(`two executions started together — known bug: ${bug}`, () => undefined);
    let reference: Reference | undefined;
    it('(reference)', async () => {
      reference = await sharedReference(h, adapter);
    }, TEST_TIMEOUT_MS);

    const rounds = LONG ? 5 : 1;
    it(`started together (${rounds}×): exactly one does the work, the other ends cleanly`, async () => {
      for (let round = 0; round < rounds; round += 1) {
        const label = `two executions started together (round ${round + 1})`;
        if (skippedForKnownBug('concurrent', labelOf(adapter), label, knownBug(labelOf(adapter), 'two executions started together'))) continue;
        await h.sim.admin('POST', '/_sim/reset');
        await tried({ part: 'concurrent', workflow: labelOf(adapter), case: label }, async (tally) => {
          const target = await adapter.seed(h);
          const results = await Promise.all([uniqueName('twin-a'), uniqueName('twin-b')].map((executionName) => h.run(adapter.workflow, target.input, { executionName })));
          tally.runs += 2;
          count(tally, 'races');
          await checkPair(h, adapter, target, reference!, results);
        });
      }
    }, TEST_TIMEOUT_MS);

    if (adapter.lockSecretId) {
      const lockSecretId = adapter.lockSecretId.bind(adapter);
      const prefix = `${labelOf(adapter)} | ${startedAtLabel('')}`.slice(0, -1);
      for (const [key, bug] of Object.entries(KNOWN_BUGS)) {
        if (key.startsWith(prefix)) it.skip(`${key.slice(labelOf(adapter).length + 3)} — known bug: ${bug}`, () => undefined);
      }
      it(`the second started while the first is at ${LONG ? 'each Task' : 'a Task holding the lock and one not'}: the lock decides which rotates`, async () => {
        expect(reference, 'reference run').toBeDefined();
        const failures: string[] = [];
        for (const at of tasksToStartAt(adapter, reference!, turn)) {
          const label = startedAtLabel(at);
          if (skippedForKnownBug('concurrent', labelOf(adapter), label, knownBug(labelOf(adapter), label))) continue;
          await h.sim.admin('POST', '/_sim/reset');
          await tried({ part: 'concurrent', workflow: labelOf(adapter), case: label }, async (tally) => {
            const target = await adapter.seed(h);
            const seeded = new Set((await lockSecretVersions(lockSecretId(target))).map((v) => v.versionId));
            const probes = { first: [] as string[], second: [] as string[] };
            let met: Meeting | undefined;
            const first = await h.run(adapter.workflow, target.input, {
              executionName: uniqueName('first'),
              onTransition: async (t) => {
                await probeCurrent(h, adapter, target, probes.first)(t);
                if (t.state !== at || t.phase !== 'before' || met) return;
                // Read before the second starts: only the first is in flight, so what it wrote is its own.
                const phase = lockPhaseOf(await lockSecretVersions(lockSecretId(target)), seeded);
                const before = await adapter.snapshot(h, target);
                const second = await h.run(adapter.workflow, target.input, { executionName: uniqueName('second'), onTransition: probeCurrent(h, adapter, target, probes.second) });
                met = { phase, second, before, after: await adapter.snapshot(h, target), invariantsAfter: await adapter.invariants(h, target) };
              },
            });
            tally.runs += met ? 2 : 1;
            count(tally, 'races');
            if (!met) throw new Error(`the first run never reached "${at}" (${first.status} ${first.error?.name ?? ''})`);
            const problems = await sequentialOutcome(adapter, target, reference!, first, met);
            // Invariant 1 at every transition of both runs.
            for (const [run, seen] of Object.entries(probes)) problems.push(...seen.map((p) => `AWSCURRENT stopped working (${run} run, ${p})`));
            if (problems.length) {
              failures.push(`${label} (${met.phase}): ${problems.join('; ')}`);
              throw new Error(`${met.phase}: ${problems.join('; ')}`);
            }
          }).catch(() => undefined);
        }
        expect(failures).toEqual([]);
      }, TEST_TIMEOUT_MS * 2);
    }
  });
}
