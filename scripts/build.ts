/**
 * `npm run build`: one minified, tree-shaken ESM bundle per function of every workflow that
 * serverless.yml deploys, at dist/functions/<functionKey>/index.mjs (with a source map).
 * The esbuild options are scripts/esbuild-options.json, the same file serverless-esbuild reads
 * when packaging, so what `npm run build` measures is what ships.
 *
 * Also a module: the budget test and the benchmark build with `lambdaBuildOptions` and
 * `deployedFunctions` so they measure exactly this build.
 */
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { workflowFunctions, type FunctionConfig } from '../src/local/runner-workflow';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Keys serverless-esbuild reads for itself; everything else is an esbuild option. */
const PLUGIN_ONLY = ['outputFileExtension', 'exclude', 'packager', 'packagerOptions', 'keepOutputDirectory', 'concurrency', 'zipConcurrency', 'nativeZip'];

/** scripts/esbuild-options.json as esbuild options, for a project laid out like this one at `root`. */
export function lambdaBuildOptions(root: string = projectRoot): BuildOptions {
  const shared = JSON.parse(readFileSync(join(root, 'scripts', 'esbuild-options.json'), 'utf8')) as Record<string, unknown>;
  const options = Object.fromEntries(Object.entries(shared).filter(([key]) => !PLUGIN_ONLY.includes(key) && key !== 'plugins')) as BuildOptions;
  // `plugins` names a CommonJS file (serverless-esbuild `require`s it) exporting the plugins.
  const plugins = typeof shared.plugins === 'string' ? (createRequire(import.meta.url)(join(root, shared.plugins)) as Plugin[]) : [];
  // `alias` targets are resolved from the working directory, which for serverless is the service's.
  return { ...options, plugins, absWorkingDir: root };
}

export interface DeployedFunction extends FunctionConfig {
  /** The fragment it comes from: a workflow, or e.g. `alarms` for the failure notifier. */
  workflow: string;
}

/**
 * Every function serverless.yml deploys: those of each `${file(serverless/<name>.yml):functions}`
 * entry, workflow fragments and the others (the failure notifier in serverless/alarms.yml) alike,
 * and serverless/slack-interactivity.yml's, which deploys when keyturn.config.yml configures Slack
 * (built and measured either way).
 */
export function deployedFunctions(root: string = projectRoot): DeployedFunction[] {
  const config = parseYaml(readFileSync(join(root, 'serverless.yml'), 'utf8')) as { functions?: unknown } | null;
  const entries = Array.isArray(config?.functions) ? (config.functions as unknown[]) : [];
  const fragments = entries.flatMap((entry) => {
    if (typeof entry === 'string' && /^\$\{file\((?:\.\/)?serverless\/schedules\.cjs\):slackFunctions\}/.test(entry.trim())) return ['slack-interactivity'];
    const match = typeof entry === 'string' ? /^\$\{file\((?:\.\/)?serverless\/([a-z0-9-]+)\.ya?ml\):functions\}$/.exec(entry.trim()) : null;
    return match?.[1] ? [match[1]] : [];
  });
  return fragments.flatMap((workflow) => workflowFunctions(root, workflow).map((fn) => ({ workflow, ...fn })));
}

export interface BundledFunction {
  fn: DeployedFunction;
  /** Path of the bundle (written or not). */
  outfile: string;
  bytes: number;
  /** The bundle's text (when not written), for gzip and for inspection. */
  text?: string;
  /** Bytes each input contributes to the bundle (esbuild's metafile). */
  inputs: Record<string, number>;
}

/**
 * Bundles every function in one esbuild run (inputs shared between functions are parsed once;
 * each entry point is still bundled and tree-shaken on its own) at `<outdir>/<key>/index.mjs`.
 */
export async function bundleFunctions(
  functions: DeployedFunction[],
  options: BuildOptions & { outdir: string },
): Promise<BundledFunction[]> {
  const byEntry = new Map(functions.map((fn) => [`${fn.key}/index`, fn]));
  const result = await build({
    logLevel: 'warning',
    ...options,
    entryPoints: Object.fromEntries([...byEntry].map(([entry, fn]) => [entry, fn.file])),
    outExtension: { '.js': '.mjs' },
    metafile: true,
  });
  const texts = new Map((result.outputFiles ?? []).map((f) => [f.path, f.text]));
  return Object.entries(result.metafile.outputs).flatMap(([path, output]) => {
    const entry = /([^/]+\/index)\.mjs$/.exec(path)?.[1];
    const fn = entry ? byEntry.get(entry) : undefined;
    if (!fn || !output.entryPoint) return [];
    const outfile = resolve(options.absWorkingDir ?? process.cwd(), path);
    const inputs = Object.fromEntries(Object.entries(output.inputs).map(([input, { bytesInOutput }]) => [input, bytesInOutput]));
    return [{ fn, outfile, bytes: output.bytes, text: texts.get(outfile), inputs }];
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { root: { type: 'string' } } });
  /** `--root DIR` builds another project laid out the same way (the package test's fixture). */
  const root = resolve(values.root ?? projectRoot);
  if (!existsSync(join(root, 'serverless.yml'))) throw new Error(`no serverless.yml under ${root}`);
  const outRoot = join(root, 'dist', 'functions');
  rmSync(outRoot, { recursive: true, force: true });
  const functions = deployedFunctions(root);
  if (functions.length === 0) {
    process.stdout.write('no function fragments listed in serverless.yml yet: nothing to build\n');
    return;
  }
  const rows = await bundleFunctions(functions, { ...lambdaBuildOptions(root), outdir: outRoot });
  const width = Math.max(...rows.map((r) => relative(root, r.outfile).length));
  for (const { fn, outfile } of rows) {
    const bytes = statSync(outfile).size;
    process.stdout.write(`${relative(root, outfile).padEnd(width)}  ${(bytes / 1024).toFixed(1).padStart(7)} KB  ${fn.workflow}\n`);
  }
  process.stdout.write(`${rows.length} function(s) built\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
