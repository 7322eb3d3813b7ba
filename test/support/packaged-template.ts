/**
 * `npm run package` of the project, once per vitest run, shared by every test file that reads
 * the packaged template (test/package.test.ts, test/least-privilege.test.ts).
 *
 * Test files run in separate forks, so "once" is arranged through the file system: the first
 * caller takes a lock directory and packages; the others wait for its `done` (or `failed`)
 * marker. The marker directory is keyed by the run (provided by test/support/global-setup.ts)
 * and by a hash of everything packaging reads, so a watch-mode re-run after an edit packages
 * again, and a later `vitest run` always packages afresh.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One id per vitest run (test/support/global-setup.ts). */
    keyturnRunId: string;
  }
}

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));

export const TEMPLATE_FILE = join(repo, '.serverless', 'cloudformation-template-update-stack.json');

export interface PackagedTemplate {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }>;
}

/** Offline and credential-free: no AWS variables at all, telemetry off. */
export function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  env.AWS_CONFIG_FILE = '/nonexistent';
  env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent';
  return env;
}

/** What packaging reads: the deploy config, the definitions, the handlers and their sources. */
const INPUTS = ['serverless.yml', 'keyturn.config.yml', 'package.json', 'package-lock.json', 'serverless', 'state-machines', 'scripts', 'functions', 'src'];

function inputsHash(): string {
  const hash = createHash('sha256');
  const add = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) add(join(path, entry));
      return;
    }
    hash.update(relative(repo, path)).update('\0').update(readFileSync(path)).update('\0');
  };
  for (const input of INPUTS) add(join(repo, input));
  return hash.digest('hex').slice(0, 16);
}

function runId(): string {
  try {
    return inject('keyturnRunId') ?? `pid${process.pid}`;
  } catch {
    return `pid${process.pid}`; // without the global setup: once per test file
  }
}

/** The run's marker directory; test/support/global-setup.ts removes it after the run. */
export function markerRoot(id: string): string {
  return join(tmpdir(), `keyturn-packaged-${id}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Packages the project (offline, as `npm run package`) unless this run already did, and returns
 * the template. Waits up to `timeoutMs` for a packaging another test file started.
 */
export async function packageProject(timeoutMs = 170_000): Promise<PackagedTemplate> {
  const dir = join(markerRoot(runId()), inputsHash());
  mkdirSync(dir, { recursive: true });
  const done = join(dir, 'done');
  const failed = join(dir, 'failed');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(done)) return JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8')) as PackagedTemplate;
    if (existsSync(failed)) throw new Error(`npm run package failed (in another test file of this run):\n${readFileSync(failed, 'utf8')}`);
    let mine = false;
    try {
      mkdirSync(join(dir, 'lock'));
      mine = true;
    } catch {
      // another test file is packaging
    }
    if (mine) {
      try {
        await exec('npm', ['run', 'package', '--silent'], { cwd: repo, env: offlineEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
        writeFileSync(done, new Date().toISOString());
      } catch (error) {
        const e = error as Error & { stdout?: string; stderr?: string };
        writeFileSync(failed, `${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
        throw error;
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for another test file's npm run package (${dir})`);
    await sleep(250);
  }
}
