/**
 * `npm run build:workflows`: writes state-machines/<workflow>.asl.json from the typed definitions
 * in workflows/. With `--check` it writes nothing and exits 1 naming every file that differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aslFileText } from '../workflows/asl';
import { WORKFLOWS } from '../workflows';

const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');

const stale: string[] = [];
let wrote = 0;
for (const [name, definition] of Object.entries(WORKFLOWS)) {
  const file = join(root, 'state-machines', `${name}.asl.json`);
  const text = aslFileText(definition);
  let committed: string | undefined;
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    committed = undefined;
  }
  if (committed === text) continue;
  if (check) stale.push(`state-machines/${name}.asl.json`);
  else {
    writeFileSync(file, text);
    wrote += 1;
    console.log(`wrote state-machines/${name}.asl.json`);
  }
}
if (check && stale.length) {
  console.error(`not what workflows/ generates (run npm run build:workflows): ${stale.join(', ')}`);
  process.exit(1);
}
if (!check && wrote === 0) console.log('state-machines/ is up to date');
