/**
 * The reliability harness: one simulator per test file, every workflow run made through `run()`,
 * which
 * - collects every secret value the simulator holds, before and after every Task (Secrets Manager
 *   version values and Lightsail secret access keys), so values that lived only briefly count too;
 * - captures everything the run recorded or printed: history events, output, error, progress
 *   lines, Powertools log lines (stdout/stderr, DEBUG level, events logged) and Slack messages;
 * - scans all of it for every secret value collected so far (invariant 2), failing the run's test
 *   with where the value appeared, never the value.
 * `afterAll` rescans everything captured in the file against every value seen in the file.
 */
import './debug-logs';
import { afterAll, beforeAll } from 'vitest';
import { runWorkflow, type RunOptions, type RunResult } from '../../../src/local/runner';
import type { CallRecord, SimState } from '../../../src/local/sim/state';
import type { FaultSpec } from '../../../src/local/sim/faults';
import { useSimulator, type SimHandle } from '../../support/sim';
import { record } from './ledger';
import { TEST_TIMEOUT_MS } from './mode';

export interface SecretVersionView {
  versionId: string;
  stages: string[];
  value: string | undefined;
  createdAt: number;
}

export interface HarnessRunOptions extends RunOptions {
  /** What this run is, for leak reports (default: workflow + execution name). */
  label?: string;
}

interface Artefact {
  where: string;
  text: string;
}

interface Capture {
  label: string;
  workflow: string;
  artefacts: Artefact[];
}

/** Reads are the operations that change nothing (as the simulator's call log classifies them). */
export const isWrite = (c: Pick<CallRecord, 'operation' | 'service'>) => c.service !== 'slack' && !/^(Get|List|Describe|Head)/.test(c.operation);

export class LeakError extends Error {
  override name = 'LeakError';
}

export interface Harness {
  readonly sim: SimHandle;
  readonly state: SimState;
  run(workflow: string, input: unknown, options?: HarnessRunOptions): Promise<RunResult>;
  /** The secret's versions, read in-process (unaffected by injected faults). */
  secretVersions(name: string): SecretVersionView[];
  secretTags(name: string): Record<string, string>;
  slackTexts(): string[];
  calls(): CallRecord[];
  fault(spec: FaultSpec): void;
  clearFaults(): void;
  /** Figures for the leak ledger. */
  readonly leakFigures: { runs: number; artefacts: number; secretValues: number };
}

export function useHarness(): Harness {
  const sim = useSimulator();
  const secrets = new Map<string, string>(); // needle → where it was stored
  const captures: Capture[] = [];
  const logLines: string[] = [];
  let runsInFlight = 0;
  const restore: (() => void)[] = [];

  beforeAll(() => {
    // Powertools writes through its own Console on process.stdout/stderr; anything else through console.
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        if (runsInFlight > 0) {
          logLines.push(String(chunk));
          const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
          callback?.();
          return true;
        }
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => {
        stream.write = original as typeof stream.write;
      });
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[method];
      console[method] = (...args: unknown[]) => {
        if (runsInFlight > 0) logLines.push(args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '));
        else original(...args);
      };
      restore.push(() => {
        console[method] = original;
      });
    }
  });

  afterAll(() => {
    for (const undo of restore.reverse()) undo();
    const byWorkflow = new Map<string, Capture[]>();
    for (const c of captures) byWorkflow.set(c.workflow, [...(byWorkflow.get(c.workflow) ?? []), c]);
    // Values stored after a run still must not appear in what it printed: rescan everything.
    const hits = captures.flatMap((c) => scan(c, secrets));
    for (const [workflow, list] of byWorkflow) {
      const own = hits.filter((h) => list.some((c) => h.startsWith(`${c.label}:`)));
      record({
        part: 'leak',
        workflow,
        case: 'every history event, output, error, log line, progress line and Slack message of the file’s runs',
        held: own.length === 0,
        runs: list.length,
        counts: { artefacts: list.reduce((n, c) => n + c.artefacts.length, 0), secretValues: secrets.size },
        ...(own.length ? { note: own.slice(0, 3).join('; ') } : {}),
      });
    }
    if (hits.length) throw new LeakError(`secret values leaked:\n${hits.slice(0, 20).join('\n')}`);
    // The rescan grows with the file's runs times its secret values: in long mode the crash part's
    // (every state of every target, first-rotation targets included) takes over a minute.
  }, TEST_TIMEOUT_MS);

  const state = () => sim.sim.state;

  function collectSecrets(): void {
    const services = state().services as {
      secretsmanager?: { secrets: Record<string, { name: string; versions: { secretString?: string; secretBinary?: string }[] }> };
      lightsail?: { accessKeys?: Record<string, { secretAccessKey: string }> };
      iam?: unknown;
    };
    for (const secret of Object.values(services.secretsmanager?.secrets ?? {})) {
      for (const version of secret.versions) {
        for (const needle of needlesOf(version.secretString ?? version.secretBinary)) {
          if (!secrets.has(needle)) secrets.set(needle, `Secrets Manager ${secret.name}`);
        }
      }
    }
    for (const [accessKeyId, key] of Object.entries(services.lightsail?.accessKeys ?? {})) {
      if (!secrets.has(key.secretAccessKey)) secrets.set(key.secretAccessKey, `Lightsail secret access key of ${accessKeyId}`);
    }
  }

  const slackSeen = new WeakSet<object>();
  const leakFigures = { runs: 0, artefacts: 0, secretValues: 0 };

  const harness: Harness = {
    sim,
    get state() {
      return state();
    },
    leakFigures,
    async run(workflow, input, options = {}) {
      const { label: given, ...runOptions } = options;
      const executionName = runOptions.executionName ?? `rel-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      const label = given ?? `${workflow} ${executionName}`;
      const capture: Capture = { label, workflow, artefacts: [] };
      captures.push(capture);
      const logStart = logLines.length;
      collectSecrets();
      runsInFlight += 1;
      let result: RunResult;
      try {
        result = await runWorkflow(workflow, input, {
          skipWaits: true,
          ...runOptions,
          executionName,
          onTransition: async (t) => {
            collectSecrets();
            capture.artefacts.push({ where: `${t.phase} "${t.state}" ${t.error ? 'error' : t.phase === 'before' ? 'event' : 'result'}`, text: safeJson(t.error ?? t.output ?? t.input) });
            await runOptions.onTransition?.(t);
            collectSecrets();
          },
          onProgress: (p) => {
            capture.artefacts.push({ where: `progress line ${p.kind} "${p.state}"`, text: safeJson(p) });
            runOptions.onProgress?.(p);
          },
        });
      } finally {
        runsInFlight -= 1;
      }
      collectSecrets();
      result.history.forEach((e, i) => capture.artefacts.push({ where: `history[${i}] ${e.type}${e.state ? ` "${e.state}"` : ''}`, text: safeJson(e) }));
      capture.artefacts.push({ where: 'output', text: safeJson(result.output) }, { where: 'error', text: safeJson(result.error) });
      logLines.slice(logStart).forEach((line, i) => capture.artefacts.push({ where: `log line ${i + 1} (during the run)`, text: line }));
      for (const m of state().slack) {
        if (slackSeen.has(m)) continue;
        slackSeen.add(m);
        capture.artefacts.push({ where: `Slack message #${m.seq}`, text: safeJson(m.body) });
      }
      leakFigures.runs += 1;
      leakFigures.artefacts += capture.artefacts.length;
      leakFigures.secretValues = secrets.size;
      const hits = scan(capture, secrets);
      if (hits.length) throw new LeakError(`secret values leaked:\n${hits.join('\n')}`);
      return result;
    },
    secretVersions(name) {
      const services = state().services as { secretsmanager?: { secrets: Record<string, { name: string; versions: { versionId: string; stages: string[]; secretString?: string; createdAt: number }[] }> } };
      const secret = Object.values(services.secretsmanager?.secrets ?? {}).find((s) => s.name === name);
      return (secret?.versions ?? []).map((v) => ({ versionId: v.versionId, stages: [...v.stages], value: v.secretString, createdAt: v.createdAt }));
    },
    secretTags(name) {
      const services = state().services as { secretsmanager?: { secrets: Record<string, { name: string; tags: { Key: string; Value: string }[] }> } };
      const secret = Object.values(services.secretsmanager?.secrets ?? {}).find((s) => s.name === name);
      return Object.fromEntries((secret?.tags ?? []).map((t) => [t.Key, t.Value]));
    },
    slackTexts() {
      return state().slack.map((m) => (m.body as { text?: string } | undefined)?.text ?? safeJson(m.body));
    },
    calls() {
      return state().calls;
    },
    fault(spec) {
      sim.sim.faults.add(spec);
    },
    clearFaults() {
      sim.sim.faults.clear();
    },
  };
  return harness;
}

/** What to look for: each secret leaf of a stored value; a PEM by each of its base64 lines. */
export function needlesOf(value: string | undefined): string[] {
  if (!value) return [];
  let leaves: string[];
  try {
    const parsed = JSON.parse(value) as unknown;
    leaves = typeof parsed === 'string' ? [parsed] : secretLeaves(parsed);
  } catch {
    leaves = [value];
  }
  return leaves.flatMap((leaf) => {
    if (leaf.includes('\n')) return leaf.split('\n').map((l) => l.trim()).filter((l) => l.length >= 40 && !l.startsWith('-----'));
    return leaf.length >= 12 ? [leaf] : [];
  });
}

const SECRET_KEY = /private|secret|url|webhook|password|token|passphrase/i;

function secretLeaves(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return SECRET_KEY.test(key) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => secretLeaves(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => secretLeaves(v, k));
  return [];
}

function scan(capture: Capture, secrets: Map<string, string>): string[] {
  const hits: string[] = [];
  for (const artefact of capture.artefacts) {
    for (const [needle, origin] of secrets) {
      if (artefact.text.includes(needle) || artefact.text.includes(JSON.stringify(needle).slice(1, -1))) {
        hits.push(`${capture.label}: ${origin} appeared in ${artefact.where}`);
      }
    }
  }
  return hits;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
