/**
 * Racing humans (invariant 5): during a routine run, a second writer makes random edits (the
 * simulator's racing writer, direct SDK calls from the transition hooks) to key groups, stages,
 * trust stores and secrets. None of their edits is lost; the current credential works at every
 * transition; the invariants hold after the run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelOf } from './support/adapter';
import { useHarness } from './support/harness';
import { record } from './support/ledger';
import { PROPERTY_RUNS, PROPERTY_SEED, TEST_TIMEOUT_MS } from './support/mode';
import { loadAdapters, probeCurrent, sharedReference, uniqueName, workflowsPresent, type Reference } from './support/targets';

const h = useHarness();
const present = new Set(workflowsPresent());
const adapters = (await loadAdapters()).filter((a) => present.has(a.workflow) && a.humanEdits.length > 0);

for (const adapter of adapters) {
  describe(`${labelOf(adapter)}: racing humans`, () => {
    let reference: Reference | undefined;
    it('(reference)', async () => {
      reference = await sharedReference(h, adapter);
    }, TEST_TIMEOUT_MS);

    it(`${PROPERTY_RUNS} runs with random edits by a second writer: none lost, invariants hold`, async () => {
      const edits = fc.array(fc.record({ edit: fc.nat(adapter.humanEdits.length - 1), at: fc.nat(Math.max(0, reference!.transitions - 1)) }), { minLength: 1, maxLength: 3 });
      let runs = 0;
      let made = 0;
      const property = fc.asyncProperty(edits, async (plan) => {
        await h.sim.admin('POST', '/_sim/reset');
        const target = await adapter.seed(h);
        const checks: (() => Promise<string[]>)[] = [];
        const probes: string[] = [];
        const editFailures: string[] = [];
        let transition = 0;
        const result = await h.run(adapter.workflow, target.input, {
          executionName: uniqueName('race'),
          onTransition: async (t) => {
            await probeCurrent(h, adapter, target, probes)(t);
            for (const { edit, at } of plan) {
              if (at !== transition) continue;
              const human = adapter.humanEdits[edit]!;
              // Thrown from this hook, the person's failure would become the Task's (the runner
              // calls the hook inside the Task): caught here and reported as the harness's own.
              try {
                checks.push(await human.apply(h, target, at));
                made += 1;
              } catch (error) {
                editFailures.push(`${human.name} at transition ${at}: ${(error as Error).name}: ${(error as Error).message}`);
              }
            }
            transition += 1;
          },
        });
        runs += 1;
        // Checked before the faults are cleared: a racing writer still pending (no UpdateKeyGroup
        // came after it) made no edit, and clearing it first made it look consumed, its edit lost.
        const lost = (await Promise.all(checks.map((c) => c()))).flat();
        h.clearFaults();
        expect(editFailures.join('; '), 'the simulated person’s own edits failed (a harness flaw, not a keyturn bug)').toBe('');
        expect(lost, `edits lost (${plan.map((p) => `${adapter.humanEdits[p.edit]!.name} at transition ${p.at}`).join('; ')})`).toEqual([]);
        expect(probes).toEqual([]);
        expect(result.status === 'SUCCEEDED' || result.status === 'FAILED').toBe(true);
        expect(await adapter.invariants(h, target)).toEqual([]);
      });
      // Each edit alone at every transition would be the exhaustive version; fast-check samples.
      const outcome = await fc.check(property, { numRuns: PROPERTY_RUNS, ...(PROPERTY_SEED !== undefined ? { seed: PROPERTY_SEED } : {}), endOnFailure: true });
      record({
        part: 'racing',
        workflow: labelOf(adapter),
        case: `${PROPERTY_RUNS} runs with 1-3 random edits (${adapter.humanEdits.map((e) => e.name).join('; ')}) (seed ${outcome.seed})`,
        held: !outcome.failed,
        runs,
        counts: { edits: made },
        ...(outcome.failed ? { note: `seed ${outcome.seed}: ${String((outcome.errorInstance as Error | undefined)?.message ?? '').split('\n').slice(0, 3).join(' ')}` } : {}),
      });
      if (outcome.failed) console.error(`racing humans failed for ${labelOf(adapter)}: replay with KEYTURN_RELIABILITY_SEED=${outcome.seed}`);
      expect(outcome.failed, fc.defaultReportMessage(outcome) ?? '').toBe(false);
    }, TEST_TIMEOUT_MS * 4);
  });
}
