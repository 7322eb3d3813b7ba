/**
 * `npm run build`: one minified, tree-shaken ESM bundle per function of every workflow that
 * serverless.yml deploys, at dist/functions/<functionKey>/index.mjs (with a source map).
 * The esbuild options are scripts/esbuild-options.json, the same file serverless-esbuild reads
 * when packaging, so what `npm run build` measures is what ships.
 */
import { build, type BuildOptions } from 'esbuild';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deployedWorkflows, workflowFunctions } from '../src/local/runner-workflow';

const { values } = parseArgs({ options: { root: { type: 'string' } } });
/** `--root DIR` builds another project laid out the same way (the package test's fixture). */
const root = resolve(values.root ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const outRoot = join(root, 'dist', 'functions');

/** Keys serverless-esbuild reads for itself; everything else is an esbuild option. */
const PLUGIN_ONLY = ['outputFileExtension', 'exclude', 'packager', 'packagerOptions', 'keepOutputDirectory', 'concurrency', 'zipConcurrency', 'nativeZip'];

function esbuildOptions(): BuildOptions {
  const shared = JSON.parse(readFileSync(join(root, 'scripts', 'esbuild-options.json'), 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(shared).filter(([key]) => !PLUGIN_ONLY.includes(key))) as BuildOptions;
}

async function main(): Promise<void> {
  const workflows = deployedWorkflows(root);
  rmSync(outRoot, { recursive: true, force: true });
  if (workflows.length === 0) {
    process.stdout.write('no workflow fragments listed in serverless.yml yet: nothing to build\n');
    return;
  }
  const options = esbuildOptions();
  const functions = workflows.flatMap((workflow) => workflowFunctions(root, workflow).map((fn) => ({ workflow, ...fn })));
  const rows = await Promise.all(
    functions.map(async (fn) => {
      const outfile = join(outRoot, fn.key, 'index.mjs');
      await build({ ...options, entryPoints: [fn.file], outfile, logLevel: 'warning' });
      return { fn, outfile, bytes: statSync(outfile).size };
    }),
  );
  const width = Math.max(...rows.map((r) => relative(root, r.outfile).length));
  for (const { fn, outfile, bytes } of rows) {
    process.stdout.write(`${relative(root, outfile).padEnd(width)}  ${(bytes / 1024).toFixed(1).padStart(7)} KB  ${fn.workflow}\n`);
  }
  process.stdout.write(`${rows.length} function(s) built\n`);
}

await main();
