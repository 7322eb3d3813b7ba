/**
 * Crash anywhere (invariant 4): for every workflow and every state its routine run passes
 * through, or a Catch path reaches once a step fails, the run is stopped right after that state
 * (as a Lambda timeout would stop it), then rerun with the same input and the crashed
 * execution's identity (rotationId); the end state must equal an uninterrupted run's, the
 * invariants hold, and Slack gets no outcome twice. Crashes inside the Tasks that create a
 * credential freeze the world right after the create (every later call refused, as if the
 * process died), then rerun.
 */
import { describe, expect, it } from 'vitest';
import { labelOf } from './support/adapter';
import type { TargetAdapter } from './support/adapter';
import { useHarness } from './support/harness';
import { count, record, skippedForKnownBug, tried } from './support/ledger';
import { LONG, TEST_TIMEOUT_MS } from './support/mode';
import { KNOWN_BUGS, knownBug } from './known-bugs';
import { aslStates, duplicatedSlackOutcomes, loadAdapters, probeCurrent, reachableFrom, referenceRunKept, uniqueName, workflowsPresent, type Reference } from './support/targets';

const h = useHarness();
const present = new Set(workflowsPresent());
const adapters = (await loadAdapters()).filter((a) => present.has(a.workflow));
const REFUSED = { code: 'AccessDeniedException', status: 403, message: 'refused by the reliability harness' };

interface CrashPoint {
  state: string;
  /** undefined: the routine run; else the Task whose first call is refused to enter its Catch path. */
  refuse?: string;
}

/** Every state, on the routine path or behind the Catch of a routine Task (statically). */
function crashPoints(adapter: TargetAdapter, path: string[]): { points: CrashPoint[]; unreachable: string[] } {
  const states = aslStates(adapter.workflow);
  const points: CrashPoint[] = path.map((state) => ({ state }));
  const covered = new Set(path);
  const tasks = path.filter((s) => states.get(s)?.Type === 'Task' && states.get(s)?.Catch);
  // Refuse a Task in the middle of the routine run: its Catch path is the one compensation takes.
  const order = [...tasks.slice(Math.floor(tasks.length / 2)), ...tasks.slice(0, Math.floor(tasks.length / 2))];
  for (const name of states.keys()) {
    if (covered.has(name)) continue;
    const refuse = order.find((t) => (states.get(t)!.Catch ?? []).some((c) => reachableFrom(states, c.Next).has(name)));
    if (refuse) {
      points.push({ state: name, refuse });
      covered.add(name);
    }
  }
  return { points, unreachable: [...states.keys()].filter((s) => !covered.has(s)) };
}

/**
 * Default `npm test`: one crash point a workflow, taking turns so both kinds run every time: a
 * state in the middle of the routine run (even-numbered workflows) or the first state on a Catch
 * path (odd-numbered ones, falling back to the routine one when there is none). Long mode: all.
 */
function sample(points: CrashPoint[], turn: number): CrashPoint[] {
  if (LONG) return points;
  const routine = points.filter((p) => !p.refuse);
  const caught = points.filter((p) => p.refuse);
  const middle = routine[Math.floor(routine.length / 2)];
  const pick = turn % 2 === 1 ? (caught[0] ?? middle) : (middle ?? caught[0]);
  return pick ? [pick] : [];
}

class NotReached extends Error {
  readonly silent = true;
}

for (const [turn, adapter] of adapters.entries()) {
  describe(`${labelOf(adapter)}: crash anywhere, rerun, converge`, () => {
    for (const [key, bug] of Object.entries(KNOWN_BUGS)) {
      // Its own cases only: the other parts list theirs.
      if (key.startsWith(`${labelOf(adapter)} | crash after `)) it.skip(`${key.slice(labelOf(adapter).length + 3)} — known bug: ${bug}`, () => undefined);
    }
    let reference: Reference | undefined;

    it('(reference: an uninterrupted routine run)', async () => {
      reference = await referenceRunKept(h, adapter);
      expect(duplicatedSlackOutcomes(h)).toEqual([]);
    }, TEST_TIMEOUT_MS);

    it('crashes after every state reached (routine run and Catch paths), each rerun converges', async () => {
      expect(reference, 'reference run').toBeDefined();
      const { points, unreachable } = crashPoints(adapter, reference!.path);
      const failures: string[] = [];
      const notReached: string[] = [];
      for (const point of sample(points, turn)) {
        const label = point.refuse ? `crash after "${point.state}" (after "${point.refuse}" failed)` : `crash after "${point.state}"`;
        if (skippedForKnownBug('crash', labelOf(adapter), label, knownBug(labelOf(adapter), label))) continue;
        await h.sim.admin('POST', '/_sim/reset');
        await tried({ part: 'crash', workflow: labelOf(adapter), case: label }, async (tally) => {
          const target = await adapter.seed(h);
          const probes: string[] = [];
          const executionName = uniqueName('crash');
          const crashed = await h.run(adapter.workflow, target.input, {
            executionName,
            stopAfterState: point.state,
            onTransition: async (t) => {
              await probeCurrent(h, adapter, target, probes)(t);
              if (point.refuse && t.state === point.refuse && t.phase === 'before') h.fault({ operation: '*', error: REFUSED, count: 1 });
            },
          });
          tally.runs += 1;
          h.clearFaults();
          const problems: string[] = [];
          if (crashed.status !== 'STOPPED') {
            // Only a failing compensation (or a Fail state, which never exits) leads there: not a routine run.
            notReached.push(point.state);
            throw new NotReached();
          }
          const rerun = await h.run(adapter.workflow, adapter.resumeInput(target, executionName), { executionName: uniqueName('rerun'), onTransition: probeCurrent(h, adapter, target, probes) });
          tally.runs += 1;
          if (rerun.status !== 'SUCCEEDED') problems.push(`rerun ${rerun.status}: ${rerun.error?.name} ${rerun.error?.cause ?? ''}`.slice(0, 400));
          const snapshot = await adapter.snapshot(h, target);
          if (JSON.stringify(snapshot) !== JSON.stringify(reference!.snapshot)) problems.push(`end state ${JSON.stringify(snapshot)} ≠ uninterrupted ${JSON.stringify(reference!.snapshot)}`);
          problems.push(...(await adapter.invariants(h, target)), ...probes);
          // A report workflow has no identity to resume: a rerun is a new report, so it may post again.
          const duplicated = adapter.kind === 'rotation' ? duplicatedSlackOutcomes(h) : [];
          if (duplicated.length) problems.push(`Slack told twice: ${duplicated.join(' | ')}`);
          count(tally, 'crashes');
          if (problems.length) {
            failures.push(`${label}: ${problems.join('; ')}`);
            throw new Error(problems.join('; '));
          }
        }).catch(() => undefined);
      }
      for (const state of [...unreachable, ...notReached]) record({ part: 'crash', workflow: labelOf(adapter), case: `crash after "${state}"`, held: true, skipped: true, runs: 0, note: 'not reached by a routine run nor by a routine run whose step fails (covered where relevant by the concurrency part)' });
      expect(failures).toEqual([]);
    }, TEST_TIMEOUT_MS * 3);

    for (const step of adapter.creatingSteps) {
      it(`crash inside "${step.state}" right after ${step.afterOperation}, then rerun`, async () => {
        expect(reference, 'reference run').toBeDefined();
        const calls = reference!.callsByState.get(step.state) ?? [];
        const skip = calls.indexOf(step.afterOperation) + 1;
        expect(skip, `${step.state} calls ${step.afterOperation} in the reference run (calls: ${calls.join(', ')})`).toBeGreaterThan(0);
        await tried({ part: 'crash-inside', workflow: labelOf(adapter), case: `inside "${step.state}" after ${step.afterOperation}` }, async (tally) => {
          const target = await adapter.seed(h);
          const executionName = uniqueName('frozen');
          const frozen = await h.run(adapter.workflow, target.input, {
            executionName,
            onTransition: (t) => {
              // From here on the world is frozen: every call after the create is refused, Slack included.
              if (t.state === step.state && t.phase === 'before') h.fault({ operation: '*', error: REFUSED, count: -1, skip });
            },
          });
          tally.runs += 1;
          h.clearFaults();
          expect(frozen.status).toBe('FAILED');
          const rerun = await h.run(adapter.workflow, adapter.resumeInput(target, executionName), { executionName: uniqueName('rerun') });
          tally.runs += 1;
          count(tally, 'crashes');
          expect(rerun.status, `rerun: ${rerun.error?.name} ${rerun.error?.cause ?? ''}`).toBe('SUCCEEDED');
          expect(await adapter.snapshot(h, target)).toEqual(reference!.snapshot);
          expect(await adapter.invariants(h, target)).toEqual([]);
          if (adapter.kind === 'rotation') expect(duplicatedSlackOutcomes(h)).toEqual([]);
        });
      }, TEST_TIMEOUT_MS);
    }
  });
}
