/**
 * `npm run bench`: measures, in one run, and writes docs/benchmarks.md:
 * - per function: bundle size (minified, gzipped) and cold import time (median of fresh Node
 *   processes) of the shipped build beside a naive build of the same handler;
 * - per workflow on the simulator: AWS calls of a routine run against the minimum
 *   (scripts/bench-minimums.ts), state transitions, estimated cost per run;
 * - the expiry check over 1,000 certificates; a CloudFront rotation under a racing writer.
 *
 *   npm run bench                 # 21 imports per build and function
 *   npm run bench -- --runs 5     # quicker, noisier
 *
 * Not part of `npm test`: timings live here only. Runs one process at a time (shared machines).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBoth, coldImportMs, median, timeImports } from './bench-bundles';
import { renderReport } from './bench-report';
import { startSimSession } from './bench-sim-session';
import { cloudFrontRace, expiryCheckAt1000, routineRuns } from './bench-workflows';
import { deployedFunctions, projectRoot } from './build';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' }, out: { type: 'string', default: join(projectRoot, 'docs', 'benchmarks.md') } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
const log = (line: string) => process.stderr.write(`${line}\n`);

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
const scratch = mkdtempSync(join(tmpdir(), 'keyturn-bench-'));
const started = new Date();
try {
  const functions = deployedFunctions();
  log(`building ${functions.length} function(s), shipped and naive`);
  const bundles = await buildBoth(functions, scratch);
  log(`timing cold imports: ${runs} fresh processes per build`);
  timeImports(bundles, runs, log);

  // serverless.yml sets NODE_OPTIONS=--enable-source-maps: its cost on the largest bundle.
  const largest = [...bundles].sort((a, b) => b.shipped.bytes - a.shipped.bytes)[0];
  let sourceMaps: { key: string; withMs: number; withoutMs: number } | undefined;
  if (largest) {
    const withMaps: number[] = [];
    const without: number[] = [];
    for (let r = 0; r < runs; r++) {
      withMaps.push(coldImportMs(largest.shipped.outfile, '--enable-source-maps'));
      without.push(coldImportMs(largest.shipped.outfile));
    }
    sourceMaps = { key: largest.fn.key, withMs: median(withMaps), withoutMs: median(without) };
  }

  log('starting the simulator');
  const sim = await startSimSession();
  try {
    log('routine runs');
    const routine = await routineRuns(sim, projectRoot);
    log('expiry check over 1,000 certificates');
    const expiry = await expiryCheckAt1000(sim, projectRoot);
    log('CloudFront rotation under a racing writer');
    const race = await cloudFrontRace(sim, projectRoot);
    mkdirSync(join(values.out!, '..'), { recursive: true });
    writeFileSync(values.out!, renderReport({ started, runs, node: process.version, bundles, sourceMaps, routine, expiry, race }));
    log(`wrote ${values.out}`);
  } finally {
    await sim.close();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
