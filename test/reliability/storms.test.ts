/**
 * Fault storms (fast-check): throttling, 5xx and latency injected into random operations of a
 * routine run. Every run either succeeds or fails with compensation (invariants hold right after,
 * unless the run itself reported that its undo failed); a rerun without faults, resuming the
 * same rotation, converges to an uninterrupted run's end state. A failure prints its seed:
 * replay with KEYTURN_RELIABILITY_SEED=<seed>.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/local/sim/faults';
import { labelOf } from './support/adapter';
import { useHarness } from './support/harness';
import { count, record } from './support/ledger';
import { PROPERTY_RUNS, PROPERTY_SEED, STORM_MAX_COUNT, STORM_MAX_FAULTS, TEST_TIMEOUT_MS } from './support/mode';
import { loadAdapters, probeCurrent, sharedReference, uniqueName, workflowsPresent, type Reference } from './support/targets';

const h = useHarness();
const present = new Set(workflowsPresent());
const adapters = (await loadAdapters()).filter((a) => present.has(a.workflow));

const faultKind = fc.constantFrom<'throttle' | '500' | '503' | 'latency'>('throttle', '500', '503', 'latency');

for (const adapter of adapters) {
  describe(`${labelOf(adapter)}: fault storms`, () => {
    let reference: Reference | undefined;
    it('(reference)', async () => {
      reference = await sharedReference(h, adapter);
    }, TEST_TIMEOUT_MS);

    it(`${PROPERTY_RUNS} storms: success or compensated failure, then a rerun converges`, async () => {
      const storm = fc.array(
        fc.record({ target: fc.constantFrom(...adapter.stormOperations), kind: faultKind, count: fc.integer({ min: 1, max: STORM_MAX_COUNT }), skip: fc.integer({ min: 0, max: 3 }) }),
        { minLength: 1, maxLength: STORM_MAX_FAULTS },
      );
      let runs = 0;
      let faults = 0;
      let succeeded = 0;
      const property = fc.asyncProperty(storm, async (spec) => {
        await h.sim.admin('POST', '/_sim/reset');
        const target = await adapter.seed(h);
        const specs: FaultSpec[] = spec.map(({ target: t, kind, count: n, skip }) => ({
          service: t.service,
          operation: t.operation,
          count: n,
          skip,
          ...(kind === 'throttle' ? { throttle: true } : kind === 'latency' ? { latencyMs: 20 * n } : { error: { code: kind === '500' ? 'InternalFailure' : 'ServiceUnavailable', status: Number(kind) } }),
        }));
        for (const s of specs) h.fault(s);
        faults += specs.length;
        const probes: string[] = [];
        const executionName = uniqueName('storm');
        const result = await h.run(adapter.workflow, target.input, { executionName, onTransition: probeCurrent(h, adapter, target, probes) });
        runs += 1;
        h.clearFaults();
        expect(probes, 'the current credential worked at every transition').toEqual([]);
        expect(['SUCCEEDED', 'FAILED']).toContain(result.status);
        if (result.status === 'SUCCEEDED') succeeded += 1;
        const undoFailed = result.history.some((e) => e.type === 'StateEntered' && /undo failed/i.test(e.state ?? ''));
        if (result.status === 'FAILED' && !undoFailed) expect(await adapter.invariants(h, target), 'compensated: invariants hold after the failed run').toEqual([]);
        const rerun = await h.run(adapter.workflow, adapter.resumeInput(target, executionName), { executionName: uniqueName('after-storm') });
        runs += 1;
        expect(rerun.status, `rerun after the storm: ${rerun.error?.name} ${rerun.error?.cause ?? ''}`).toBe('SUCCEEDED');
        expect(await adapter.snapshot(h, target)).toEqual(reference!.snapshot);
        expect(await adapter.invariants(h, target)).toEqual([]);
      });
      const outcome = await fc.check(property, { numRuns: PROPERTY_RUNS, ...(PROPERTY_SEED !== undefined ? { seed: PROPERTY_SEED } : {}), endOnFailure: true });
      const held = !outcome.failed;
      record({
        part: 'storm',
        workflow: labelOf(adapter),
        case: `${PROPERTY_RUNS} random storms of throttling, 5xx and latency (seed ${outcome.seed})`,
        held,
        runs,
        counts: { faults, storms: outcome.numRuns, succeededUnderStorm: succeeded },
        ...(held ? {} : { note: `seed ${outcome.seed}, path ${outcome.counterexamplePath}: ${String((outcome.errorInstance as Error | undefined)?.message ?? '').split('\n')[0]}` }),
      });
      if (outcome.failed) console.error(`fault storm failed for ${labelOf(adapter)}: replay with KEYTURN_RELIABILITY_SEED=${outcome.seed}`);
      expect(outcome.failed, fc.defaultReportMessage(outcome) ?? '').toBe(false);
      void count;
    }, TEST_TIMEOUT_MS * 4);
  });
}
