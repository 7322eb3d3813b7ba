/**
 * Per workflow, on the simulator: the AWS calls of a routine run (the demo scenario), its state
 * transitions and Lambda time; the expiry check over 1,000 certificates; a CloudFront rotation
 * under a racing writer.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFrontClient, CreatePublicKeyCommand } from '@aws-sdk/client-cloudfront';
import { parse as parseYaml } from 'yaml';
import { scenarios } from '../src/local/demo/scenarios';
import { listWorkflows, runWorkflow, type RunResult } from '../src/local/runner';
import { allStates, loadWorkflow, type AslState } from '../src/local/runner-workflow';
import type { SimCall, SimSession } from './bench-sim-session';

export interface TaskRun {
  state: string;
  functionKey: string;
  memoryMb: number;
  ms: number;
}

export interface WorkflowRun {
  workflow: string;
  status: RunResult['status'];
  error?: string;
  calls: SimCall[];
  /** State transitions as Step Functions Standard bills them: every state entered, every retry. */
  transitions: number;
  tasks: TaskRun[];
  wallMs: number;
}

/** Which function each Task state invokes, and the memory it is deployed with. */
function taskFunctions(root: string, workflow: string): Map<string, { key: string; memoryMb: number }> {
  const config = loadWorkflow(workflow, root);
  const fragment = parseYaml(readFileSync(join(root, 'serverless', `${workflow}.yml`), 'utf8')) as { functions?: Record<string, { memorySize?: number }> };
  const provider = (parseYaml(readFileSync(join(root, 'serverless.yml'), 'utf8')) as { provider?: { memorySize?: number } }).provider;
  const byLogicalId = new Map(config.functions.map((fn) => [fn.logicalId, fn.key]));
  const out = new Map<string, { key: string; memoryMb: number }>();
  for (const [name, state] of allStates(config.definition) as Array<[string, AslState]>) {
    if (state.Type !== 'Task') continue;
    const ref = JSON.stringify([state.Resource, state.Parameters?.FunctionName]);
    const logicalId = /"Fn::GetAtt":\["([^"]+)"/.exec(ref)?.[1];
    const key = logicalId ? byLogicalId.get(logicalId) : undefined;
    if (key) out.set(name, { key, memoryMb: fragment.functions?.[key]?.memorySize ?? provider?.memorySize ?? 1024 });
  }
  return out;
}

async function measuredRun(sim: SimSession, root: string, workflow: string, input: unknown, options: Parameters<typeof runWorkflow>[2] = {}): Promise<WorkflowRun> {
  const functions = taskFunctions(root, workflow);
  const started = new Map<string, number>();
  const tasks: TaskRun[] = [];
  const seq = await sim.lastSeq();
  const t0 = performance.now();
  const result = await runWorkflow(workflow, input, {
    root,
    skipWaits: true,
    ...options,
    onTransition: async (t) => {
      if (t.phase === 'before') started.set(t.state, performance.now());
      else {
        const fn = functions.get(t.state);
        if (fn) tasks.push({ state: t.state, functionKey: fn.key, memoryMb: fn.memoryMb, ms: performance.now() - (started.get(t.state) ?? performance.now()) });
      }
      await options.onTransition?.(t);
    },
  });
  const wallMs = performance.now() - t0;
  return {
    workflow,
    status: result.status,
    error: result.error ? `${result.error.name}${result.error.state ? ` in '${result.error.state}'` : ''}` : undefined,
    calls: await sim.callsAfter(seq),
    transitions: result.history.filter((e) => e.type === 'StateEntered' || e.type === 'StateRetried').length,
    tasks,
    wallMs,
  };
}

export interface RoutineRuns {
  runs: WorkflowRun[];
  /** Workflows without a demo scenario (no routine-run seed yet). */
  skipped: string[];
}

export async function routineRuns(sim: SimSession, root: string): Promise<RoutineRuns> {
  const runs: WorkflowRun[] = [];
  const skipped: string[] = [];
  for (const workflow of listWorkflows(root)) {
    const scenario = scenarios.find((s) => s.workflow === workflow);
    if (!scenario) {
      skipped.push(workflow);
      continue;
    }
    await sim.admin('POST', '/_sim/reset');
    const input = await scenario.seed(sim.url);
    runs.push(await measuredRun(sim, root, workflow, input));
  }
  return { runs, skipped };
}

/** The daily expiry check over 1,000 server certificates (IAM's quota is raised in the simulator). */
export async function expiryCheckAt1000(sim: SimSession, root: string): Promise<WorkflowRun | string> {
  const workflow = 'check-iam-cert-expiry';
  const scenario = scenarios.find((s) => s.workflow === workflow);
  if (!scenario || !listWorkflows(root).includes(workflow)) return `${workflow} or its demo scenario is not present yet`;
  await sim.admin('POST', '/_sim/reset');
  const input = await scenario.seed(sim.url);
  // Copy the seeded certificates' records to 1,000 (names, paths and expiries spread over
  // two years); the check reads metadata only, so the bodies may repeat.
  const state = await sim.admin<{ services?: Record<string, unknown>; [k: string]: unknown }>('GET', '/_sim/state');
  const iam = findSlice(state, 'iam') as { serverCertificates: Array<Record<string, unknown>>; settings: Record<string, unknown> };
  const templates = iam.serverCertificates;
  const now = Date.now();
  iam.serverCertificates = Array.from({ length: 1000 }, (_, i) => ({
    ...templates[i % templates.length],
    serverCertificateId: `ASCABENCH${String(i).padStart(12, '0')}`,
    serverCertificateName: `bench-${String(i).padStart(4, '0')}`,
    path: '/',
    expiration: new Date(now + ((i * 7) % 730) * 86_400_000 - 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }));
  iam.settings = { ...iam.settings, serverCertificateQuota: 1000 };
  await sim.admin('PUT', '/_sim/state', state);
  return measuredRun(sim, root, workflow, input);
}

function findSlice(state: Record<string, unknown>, name: string): Record<string, unknown> {
  const direct = state[name] ?? (state.services as Record<string, unknown> | undefined)?.[name];
  if (direct && typeof direct === 'object') return direct as Record<string, unknown>;
  throw new Error(`no '${name}' slice in the simulator state (keys: ${Object.keys(state).join(', ')})`);
}

export interface RaceResult {
  run: WorkflowRun;
  attempts: number;
  successes: number;
  preconditionFailed: number;
}

/**
 * A second (forced) CloudFront rotation, which adds a key and later removes one, while another
 * writer edits the key group just before each of keyturn's UpdateKeyGroup calls lands.
 */
export async function cloudFrontRace(sim: SimSession, root: string): Promise<RaceResult | string> {
  const workflow = 'rotate-cloudfront-key';
  const scenario = scenarios.find((s) => s.workflow === workflow);
  if (!scenario || !listWorkflows(root).includes(workflow)) return `${workflow} or its demo scenario is not present yet`;
  await sim.admin('POST', '/_sim/reset');
  const input = (await scenario.seed(sim.url)) as { keyGroupId: string };
  const first = await runWorkflow(workflow, input, { root, skipWaits: true });
  if (first.status !== 'SUCCEEDED') return `the first rotation did not succeed: ${first.status} ${first.error?.name ?? ''}`;
  const cloudFront = new CloudFrontClient({ endpoint: sim.url, region: process.env.AWS_REGION ?? 'us-east-1' });
  const racerKey = async (name: string) =>
    (await cloudFront.send(new CreatePublicKeyCommand({ PublicKeyConfig: { Name: name, CallerReference: name, EncodedKey: publicKeyPem() } }))).PublicKey!.Id!;
  const racers = [await racerKey('bench-racer-1'), await racerKey('bench-racer-2')];
  let racer = 0;
  const run = await measuredRun(sim, root, workflow, { ...input, force: true }, {
    onTransition: async ({ state, phase }) => {
      // Before each step that writes the key group, arm one race for its next UpdateKeyGroup.
      if (phase === 'before' && /key group/i.test(state) && !/room/i.test(state) && racer < racers.length) {
        await sim.admin('POST', '/_sim/faults', { racingWriter: { keyGroupId: input.keyGroupId, addPublicKeyId: racers[racer++] } });
      }
    },
  });
  const updates = run.calls.filter((c) => c.operation === 'UpdateKeyGroup');
  return {
    run,
    attempts: updates.length,
    successes: updates.filter((c) => c.status < 300).length,
    preconditionFailed: updates.filter((c) => c.errorCode === 'PreconditionFailed').length,
  };
}

function publicKeyPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey;
}
