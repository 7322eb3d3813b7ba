/** Every workflow in state-machines/ has a target adapter, so every part of the harness covers it. */
import { expect, it } from 'vitest';
import { loadAdapters, workflowsPresent } from './support/targets';

it('every workflow present has a target adapter in test/reliability/adapters/', async () => {
  const adapted = new Set((await loadAdapters()).map((a) => a.workflow));
  expect(workflowsPresent().filter((w) => !adapted.has(w))).toEqual([]);
});
