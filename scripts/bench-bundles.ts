/**
 * Bundle size and cold import time of every function: the shipped build (scripts/build.ts) beside
 * a naive build of the same handler (no tree-shaking, CommonJS `main` fields, no credential
 * alias, no plugins), both built and timed in the same run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleFunctions, lambdaBuildOptions, type BundledFunction, type DeployedFunction } from './build';

export interface BuildFigures {
  bytes: number;
  gzipBytes: number;
  /** Cold import medians, ms; undefined when timing was skipped. */
  importMs?: number;
  /** Bytes per package in the bundle. */
  packages: Map<string, number>;
  outfile: string;
}

export interface FunctionFigures {
  fn: DeployedFunction;
  shipped: BuildFigures;
  naive: BuildFigures;
  /** `@aws-sdk/client-*` packages in the shipped bundle. */
  clients: string[];
}

export function packageOf(input: string): string {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
}

function figures(bundle: BundledFunction): BuildFigures {
  const packages = new Map<string, number>();
  for (const [input, bytes] of Object.entries(bundle.inputs)) packages.set(packageOf(input), (packages.get(packageOf(input)) ?? 0) + bytes);
  const text = readFileSync(bundle.outfile);
  return { bytes: text.length, gzipBytes: gzipSync(text, { level: 9 }).length, packages, outfile: bundle.outfile };
}

export async function buildBoth(functions: DeployedFunction[], scratch: string): Promise<FunctionFigures[]> {
  const options = lambdaBuildOptions();
  // Source maps are written (as shipped) but not counted: the size is index.mjs alone.
  const shipped = await bundleFunctions(functions, { ...options, outdir: join(scratch, 'shipped') });
  const naive = await bundleFunctions(functions, {
    ...options,
    outdir: join(scratch, 'naive'),
    treeShaking: false,
    mainFields: ['main'],
    alias: {},
    plugins: [],
    sourcemap: false,
  });
  const naiveByKey = new Map(naive.map((b) => [b.fn.key, b]));
  return shipped.map((bundle) => {
    const s = figures(bundle);
    return {
      fn: bundle.fn,
      shipped: s,
      naive: figures(naiveByKey.get(bundle.fn.key)!),
      clients: [...s.packages.keys()].filter((p) => p.startsWith('@aws-sdk/client-')).map((p) => p.slice('@aws-sdk/client-'.length)).sort(),
    };
  });
}

/** The time `import()` of the bundle takes in a fresh Node process, as Lambda's INIT does. */
export function coldImportMs(file: string, nodeOptions = ''): number {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t0)); process.exit(0);`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      NODE_OPTIONS: nodeOptions,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key',
      AWS_LAMBDA_FUNCTION_NAME: 'keyturn-bench',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  const ms = Number(run.stdout);
  if (run.status !== 0 || !Number.isFinite(ms)) throw new Error(`importing ${file} failed (${run.status}): ${run.stderr.slice(0, 500)}`);
  return ms;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Medians of `runs` fresh processes per build, shipped and naive interleaved so drift hits both. */
export function timeImports(rows: FunctionFigures[], runs: number, progress: (line: string) => void): void {
  for (const [i, row] of rows.entries()) {
    const shipped: number[] = [];
    const naive: number[] = [];
    for (let r = 0; r < runs; r++) {
      shipped.push(coldImportMs(row.shipped.outfile));
      naive.push(coldImportMs(row.naive.outfile));
    }
    row.shipped.importMs = median(shipped);
    row.naive.importMs = median(naive);
    progress(`  [${i + 1}/${rows.length}] ${row.fn.key}: ${row.shipped.importMs.toFixed(1)} ms vs naive ${row.naive.importMs.toFixed(1)} ms`);
  }
}
