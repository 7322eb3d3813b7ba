/**
 * `npm run build:workflows`: writes what workflows/ generates (workflows/generated.ts): each
 * state-machines/<workflow>.asl.json, and each rotation's src/<service>/rotation-steps.ts. With
 * `--check` it writes nothing and exits 1 naming every file that differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles } from '../workflows/generated';

const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');

const stale: string[] = [];
let wrote = 0;
for (const [path, text] of generatedFiles()) {
  const file = join(root, path);
  let committed: string | undefined;
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    committed = undefined;
  }
  if (committed === text) continue;
  if (check) stale.push(path);
  else {
    writeFileSync(file, text);
    wrote += 1;
    console.log(`wrote ${path}`);
  }
}
if (check && stale.length) {
  console.error(`not what workflows/ generates (run npm run build:workflows): ${stale.join(', ')}`);
  process.exit(1);
}
if (!check && wrote === 0) console.log('state-machines/ and the rotation steps are up to date');
