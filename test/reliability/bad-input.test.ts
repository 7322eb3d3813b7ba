/**
 * Bad input (invariant 8): per workflow, and through the CLI (`keyturn run <wf> --local`), a
 * catalogue of invalid inputs each fails with an error naming the field, and the simulator's
 * call log shows no write (anything but Get/List/Describe/Head; the Slack failure report aside).
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { labelOf } from './support/adapter';
import { isWrite, useHarness } from './support/harness';
import { record, skippedForKnownBug } from './support/ledger';
import { LONG, TEST_TIMEOUT_MS } from './support/mode';
import { KNOWN_BUGS, knownBug } from './known-bugs';
import { loadAdapters, uniqueName, workflowsPresent } from './support/targets';

const h = useHarness();
const present = new Set(workflowsPresent());
const adapters = (await loadAdapters()).filter((a) => present.has(a.workflow));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

for (const adapter of adapters) {
  describe(`${labelOf(adapter)}: bad input`, () => {
    for (const [key, bug] of Object.entries(KNOWN_BUGS)) {
      if (key.startsWith(`${labelOf(adapter)} | `) && adapter.badInputs({ input: {}, ids: {} }).some((b) => key.endsWith(`| ${b.what}`))) it.skip(`${key.slice(labelOf(adapter).length + 3)} — known bug: ${bug}`, () => undefined);
    }
    it('each invalid input fails naming the field, and nothing is written', async () => {
      const target = await adapter.seed(h);
      const failures: string[] = [];
      // npm test: every fourth case (a different field each); long mode: the whole catalogue.
      for (const bad of adapter.badInputs(target).filter((_, i) => LONG || i % 4 === 0)) {
        if (skippedForKnownBug('bad-input', labelOf(adapter), bad.what, knownBug(labelOf(adapter), bad.what))) continue;
        const mark = h.calls().length;
        const result = await h.run(adapter.workflow, bad.input, { executionName: uniqueName('bad') });
        const writes = h.calls().slice(mark).filter(isWrite).map((c) => `${c.service}:${c.operation}`);
        const problems: string[] = [];
        if (result.status !== 'FAILED') problems.push(`${result.status}, not FAILED`);
        else if (!(result.error?.cause ?? '').includes(bad.field)) problems.push(`error ${result.error?.name} does not name ${bad.field}: ${(result.error?.cause ?? '').slice(0, 200)}`);
        if (writes.length) problems.push(`wrote ${writes.join(', ')}`);
        record({ part: 'bad-input', workflow: labelOf(adapter), case: bad.what, held: problems.length === 0, runs: 1, ...(problems.length ? { note: problems.join('; ') } : {}) });
        if (problems.length) failures.push(`${bad.what}: ${problems.join('; ')}`);
      }
      expect(failures).toEqual([]);
    }, TEST_TIMEOUT_MS);

    it('through the CLI: keyturn run --local exits 1 naming the field, or 2 for input that is not JSON; nothing written', async () => {
      const target = await adapter.seed(h);
      const failures: string[] = [];
      const cases = [...adapter.badInputs(target).slice(0, LONG ? 3 : 1).map((b) => ({ what: b.what, arg: JSON.stringify(b.input), code: 1, field: b.field })), { what: 'input that is not JSON', arg: '{"oops"', code: 2, field: '--input' }];
      for (const c of cases) {
        const mark = h.calls().length;
        const { code, stdout, stderr } = await cli('run', adapter.workflow, '--local', '--skip-waits', '--json', '--input', c.arg);
        const writes = h.calls().slice(mark).filter(isWrite).map((x) => `${x.service}:${x.operation}`);
        const problems: string[] = [];
        if (code !== c.code) problems.push(`exit ${code}, not ${c.code}`);
        if (!`${stdout}${stderr}`.includes(c.field)) problems.push(`output does not name ${c.field}`);
        if (writes.length) problems.push(`wrote ${writes.join(', ')}`);
        record({ part: 'cli-bad-input', workflow: labelOf(adapter), case: `keyturn run --local: ${c.what}`, held: problems.length === 0, runs: 1, ...(problems.length ? { note: problems.join('; ') } : {}) });
        if (problems.length) failures.push(`${c.what}: ${problems.join('; ')}`);
      }
      expect(failures).toEqual([]);
    }, TEST_TIMEOUT_MS);
  });
}
