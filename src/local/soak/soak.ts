/**
 * The soak (`npm run soak`; a 30-day slice runs in `npm test`): keyturn's main job for a long
 * simulated time, with keyturn up (src/local/stack/up.ts), on two worlds: the demo account under
 * the committed keyturn.config.yml, and the dense world (./world.ts: 20 targets, daily schedules,
 * short key ages) with faults injected at random from a fixed seed (throttling, 500s, a racing
 * writer on a key group, a refused call that fails a rotation). Every simulated day the world is
 * checked (./invariants.ts); at the end, every failure must have been followed by a successful run
 * of its target, and Slack must have heard of each completed rotation once.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyturnConfig } from '../../config/config-schema';
import { up, type ExecutionLine } from '../stack/up';
import { seedDenseWorld } from './world';
import { WorldWatch, type Breach, type WorldMaxima } from './invariants';

export interface SoakOptions {
  root: string;
  days: number;
  /** The faults' seed: the same seed, the same faults on the same days. */
  seed: number;
  /** The committed config (the demo account's world); omitted: the dense world only. */
  demoConfig?: KeyturnConfig;
  /** The simulator's port, the same for every world (default: a free one). */
  port?: number;
  /** Where the simulated clock starts (default: a fixed instant, so the same seed replays the same soak). */
  start?: Date;
  out: (line: string) => void;
}

/** The default start: fixed, so a soak replays exactly (firing times, faults, dates). */
const SOAK_START = new Date('2027-01-04T09:17:00Z');

export interface SoakReport {
  world: string;
  targets: number;
  days: number;
  executions: number;
  rotations: number;
  failures: number;
  /** Failures followed by a successful run of the same target. */
  failuresSurvived: number;
  faultsInjected: number;
  slackRotationMessages: number;
  maxima: WorldMaxima;
  checks: number;
  breaches: Breach[];
  wallMs: number;
}

/** The chance that a firing is preceded by an injected fault (dense world). */
const FAULT_CHANCE = 0.05;

export async function soak(options: SoakOptions): Promise<SoakReport[]> {
  const reports: SoakReport[] = [];
  // One port for every world: the functions' AWS clients, made once per process, keep the
  // endpoint they were made with.
  const port = options.port ?? (await freePort());
  options = { ...options, port };
  if (options.demoConfig) reports.push(await soakWorld('demo account, committed keyturn.config.yml', options, async () => ({ config: options.demoConfig!, demo: true })));
  reports.push(
    await soakWorld('dense: 20 targets, daily, short key ages, faults', options, async (simUrl) => {
      const world = await seedDenseWorld(simUrl);
      return { config: world.config, demo: false, foreignKeys: world.foreignKeys };
    }),
  );
  return reports;
}

interface World {
  config: KeyturnConfig;
  demo: boolean;
  /** Key group → a public key not keyturn's (the racing writer's); none: no faults. */
  foreignKeys?: Record<string, string>;
}

async function soakWorld(name: string, options: SoakOptions, make: (simUrl: string) => Promise<World>): Promise<SoakReport> {
  const began = performance.now();
  const random = mulberry32(options.seed);
  let world: World | undefined;
  let watch: WorldWatch | undefined;
  let lastDay = '';
  let faults = 0;
  const foreignIn = new Set<string>();
  /** Each target's failed runs, by when they ran. */
  const failedAt = new Map<string, number[]>();
  const failedRuns = (target: string, since: number) => (failedAt.get(target) ?? []).filter((t) => t >= since).length;
  options.out(`soak: ${name}, ${options.days} simulated days`);
  const result = await up({
    root: options.root,
    demo: false,
    days: options.days,
    keep: true,
    port: options.port!,
    start: options.start ?? SOAK_START,
    config: async (simUrl) => {
      world = await make(simUrl);
      if (world.demo) {
        const { scenarios } = await import('../demo/scenarios');
        for (const scenario of scenarios) await scenario.seed(simUrl);
      }
      watch = new WorldWatch(simUrl);
      return world.config;
    },
    out: () => {},
    afterExecution(line) {
      if (line.status !== 'SUCCEEDED') failedAt.set(line.target, [...(failedAt.get(line.target) ?? []), Date.parse(`${line.at.replace(' ', 'T')}:00Z`)]);
    },
    async beforeFiring({ at, simUrl }) {
      const day = at.toISOString().slice(0, 10);
      if (day !== lastDay) {
        // The world as the previous day left it.
        if (lastDay) await watch!.check(world!.config.targets, at, failedRuns);
        lastDay = day;
        if (Number(day.slice(8)) === 1) options.out(`  ${day}: ${watch!.checks} days checked, ${watch!.breaches.length} breaches, ${faults} faults injected`);
      }
      const draw = random();
      if (world!.foreignKeys && draw < FAULT_CHANCE) {
        faults += 1;
        // The same draw picks the kind: uniform among the four, given a fault.
        await injectFault(simUrl, Math.floor((draw / FAULT_CHANCE) * 4), random, world!.foreignKeys, foreignIn);
      }
    },
  });
  try {
    await watch!.check(world!.config.targets, new Date(Date.now()), failedRuns);
  } finally {
    await result.serving!.close();
  }
  const breaches = [...watch!.breaches, ...outcomeBreaches(result.executions)];
  const failures = result.executions.filter((e) => e.status !== 'SUCCEEDED');
  const rotations = result.executions.filter((e) => e.summary.startsWith('rotated')).length;
  const slackRotationMessages = result.slack.byKind['rotation done'] ?? 0;
  if (slackRotationMessages !== rotations) breaches.push({ day: 'end', target: '(all)', rule: `Slack heard of ${slackRotationMessages} rotations, ${rotations} completed` });
  const report: SoakReport = {
    world: name,
    targets: world!.config.targets.length,
    days: options.days,
    executions: result.executions.length,
    rotations,
    failures: failures.length,
    failuresSurvived: failures.filter((f) => survived(f, result.executions)).length,
    faultsInjected: faults,
    slackRotationMessages,
    maxima: watch!.maxima,
    checks: watch!.checks,
    breaches,
    wallMs: performance.now() - began,
  };
  options.out(
    `  ${report.executions} executions, ${report.rotations} rotations, ${report.failures} failures (${report.failuresSurvived} followed by a successful run), ${faults} faults, ${breaches.length} breaches, ${(report.wallMs / 1000).toFixed(1)} s`,
  );
  return report;
}

/** A failure is survived when a later run of the same target succeeded. */
function survived(failure: ExecutionLine, executions: readonly ExecutionLine[]): boolean {
  return executions.some((e) => e.target === failure.target && e.status === 'SUCCEEDED' && e.at > failure.at);
}

/** Failures no later run of their target made good (the last day's are allowed: no rerun came yet). */
function outcomeBreaches(executions: readonly ExecutionLine[]): Breach[] {
  const lastAt = executions.at(-1)?.at ?? '';
  return executions
    .filter((e) => e.status !== 'SUCCEEDED' && !survived(e, executions) && e.at.slice(0, 10) !== lastAt.slice(0, 10))
    .map((e) => ({ day: e.at, target: e.target, rule: `failed (${e.summary}) and no later run succeeded` }));
}

async function injectFault(simUrl: string, kind: number, random: () => number, foreignKeys: Record<string, string>, foreignIn: Set<string>): Promise<void> {
  const post = (body: unknown) => fetch(`${simUrl}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (kind === 0) await post({ service: 'secretsmanager', operation: 'GetSecretValue', throttle: true, count: 2 });
  else if (kind === 1) await post({ service: 'cloudfront', operation: 'GetKeyGroup', error: { code: 'InternalFailure', status: 500 }, count: 1 });
  else if (kind === 2) {
    const groups = Object.keys(foreignKeys);
    const keyGroupId = groups[Math.floor(random() * groups.length)]!;
    // Someone else adds their key to the group, or takes it out again, just before keyturn's next write.
    const racingWriter = foreignIn.has(keyGroupId) ? { keyGroupId, removePublicKeyId: foreignKeys[keyGroupId] } : { keyGroupId, addPublicKeyId: foreignKeys[keyGroupId] };
    if (foreignIn.has(keyGroupId)) foreignIn.delete(keyGroupId);
    else foreignIn.add(keyGroupId);
    await post({ racingWriter });
  } else {
    // A refused call: the next rotation that makes it fails, is undone, and the next day's run retries.
    const [service, operation] = random() < 0.5 ? ['cloudfront', 'CreatePublicKey'] : ['lightsail', 'CreateBucketAccessKey'];
    await post({ service, operation, error: { code: 'AccessDeniedException', status: 403, message: 'injected by the soak' }, count: 1 });
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A small seeded PRNG (mulberry32): the same seed, the same faults. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

