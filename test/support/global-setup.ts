/**
 * Runs once per vitest run, in the main process: gives the run an id so test files share one
 * `npm run package` (test/support/packaged-template.ts), and removes its markers afterwards.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { markerRoot } from './packaged-template';

export default function setup(project: TestProject): () => void {
  const id = randomUUID();
  project.provide('keyturnRunId', id);
  return () => rmSync(markerRoot(id), { recursive: true, force: true });
}
