/**
 * The adapters (every file in test/reliability/adapters/), the states of each workflow's ASL, and
 * the checks every part shares: an uninterrupted reference run, Slack duplicates, invariants.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListSecretVersionIdsCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { expect, inject } from 'vitest';
import { markerRoot } from '../../support/packaged-template';
import { listWorkflows, type RunResult } from '../../../src/local/runner';
import { FIRST_BUNDLE_VERSION_ID } from '../../../src/apigateway/trust-store';
import { NO_CREDENTIAL_VERSION_ID } from '../../../src/secrets/credential-store';
import { labelOf, type Target, type TargetAdapter } from './adapter';
import type { Harness } from './harness';

export async function loadAdapters(): Promise<TargetAdapter[]> {
  const dir = new URL('../adapters/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  const adapters: TargetAdapter[] = [];
  for (const file of files) adapters.push(((await import(new URL(file, dir).href)) as { adapter: TargetAdapter }).adapter);
  return adapters;
}

/** The workflows present in this checkout (a workflow lands when its ASL and fragment do). */
export function workflowsPresent(): string[] {
  return listWorkflows(process.cwd());
}

export interface AslState {
  Type: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  Choices?: { Next: string }[];
  Catch?: { Next: string }[];
}

export function aslStates(workflow: string): Map<string, AslState> {
  const asl = JSON.parse(readFileSync(`state-machines/${workflow}.asl.json`, 'utf8')) as { States: Record<string, AslState> };
  return new Map(Object.entries(asl.States));
}

/** States reachable from `from` by Next, Default, Choices and Catch. */
export function reachableFrom(states: Map<string, AslState>, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const s = states.get(name);
    if (!s) continue;
    for (const next of [s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next), ...(s.Catch ?? []).map((c) => c.Next)]) if (next) stack.push(next);
  }
  return seen;
}

export const visited = (result: RunResult): string[] => [...new Set(result.history.filter((e) => e.type === 'StateExited' && e.state).map((e) => e.state!))];

export interface Reference {
  snapshot: unknown;
  /** States the uninterrupted routine run exited, in order. */
  path: string[];
  /** AWS calls each Task made, in order (for crashes inside a Task). */
  callsByState: Map<string, string[]>;
  /** Task transitions (before + after) of the routine run. */
  transitions: number;
  /** Rotations: where the routine run stood with the lock as each Task began (lockPhase). */
  lockPhases: Record<string, LockPhase>;
}

const FIRST_VERSIONS = new Set([NO_CREDENTIAL_VERSION_ID, FIRST_BUNDLE_VERSION_ID]);

/** Where a run stands with the rotation lock, as anyone reading the lock secret can tell. */
export type LockPhase = 'before taking the lock' | 'holding the lock' | 'after releasing the lock';

/** Every version of a secret (unlabelled ones too) with its labels, read through the SDK. */
export async function lockSecretVersions(secretId: string): Promise<{ versionId: string; stages: string[] }[]> {
  const client = new SecretsManagerClient({ maxAttempts: 1 });
  const versions: { versionId: string; stages: string[] }[] = [];
  let NextToken: string | undefined;
  try {
    do {
      const out = await client.send(new ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: true, NextToken }));
      for (const v of out.Versions ?? []) versions.push({ versionId: v.VersionId!, stages: v.VersionStages ?? [] });
      NextToken = out.NextToken;
    } while (NextToken);
  } catch (error) {
    // A first rotation's secret does not exist until the run creates it: no versions yet.
    if (!(error instanceof ResourceNotFoundException)) throw error;
  } finally {
    client.destroy();
  }
  return versions;
}

/**
 * The lock phase of the one run in flight, from the versions it wrote (those not among
 * `before`, read when it started): one of them labelled AWSPENDING and not AWSCURRENT is its lock
 * (a pending label also on AWSCURRENT is stale, as credential-store.ts treats it); none written
 * yet: before; written, none pending: released (promoted, or the trust store final).
 */
export function lockPhaseOf(versions: { versionId: string; stages: string[] }[], before: ReadonlySet<string>): LockPhase {
  // A first version a first rotation writes (the no-credential marker, a new trust store's first
  // bundle) comes before the lock and is not it.
  const written = versions.filter((v) => !before.has(v.versionId) && !FIRST_VERSIONS.has(v.versionId));
  if (written.some((v) => v.stages.includes('AWSPENDING') && !v.stages.includes('AWSCURRENT'))) return 'holding the lock';
  return written.length ? 'after releasing the lock' : 'before taking the lock';
}

/** An uninterrupted routine run on a fresh seed: the end state every other run must converge to. */
export async function referenceRun(h: Harness, adapter: TargetAdapter): Promise<Reference> {
  const target = await adapter.seed(h);
  const callsByState = new Map<string, string[]>();
  const lockPhases: Record<string, LockPhase> = {};
  const lockSecretId = adapter.lockSecretId?.(target);
  const seeded = new Set(lockSecretId ? (await lockSecretVersions(lockSecretId)).map((v) => v.versionId) : []);
  let mark = 0;
  let transitions = 0;
  const result = await h.run(adapter.workflow, target.input, {
    label: `${labelOf(adapter)} reference run`,
    onTransition: async (t) => {
      transitions += 1;
      if (t.phase === 'before') {
        // Read before the mark: the Task's calls are its own.
        if (lockSecretId) lockPhases[t.state] = lockPhaseOf(await lockSecretVersions(lockSecretId), seeded);
        mark = h.calls().length;
      } else callsByState.set(t.state, h.calls().slice(mark).map((c) => c.operation));
    },
  });
  expect(result.status, `reference run: ${JSON.stringify(result.error)}`).toBe('SUCCEEDED');
  expect(adapter.didWork(result), 'reference run did its routine work').toBe(true);
  expect(await adapter.invariants(h, target)).toEqual([]);
  return { snapshot: await adapter.snapshot(h, target), path: visited(result), callsByState, transitions, lockPhases };
}

/** Where this vitest run keeps a workflow's reference (under the run's marker directory, removed after the run). */
function referenceFile(workflow: string): string | undefined {
  let runId: string | undefined;
  try {
    runId = inject('keyturnRunId');
  } catch {
    return undefined;
  }
  return runId ? join(markerRoot(runId), 'reliability-references', `${workflow}.json`) : undefined;
}

/** Writes the reference for the harness's other files of this vitest run (see sharedReference). */
function keepReference(workflow: string, reference: Reference): void {
  const file = referenceFile(workflow);
  if (!file) return;
  mkdirSync(join(file, '..'), { recursive: true });
  const temporary = `${file}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ ...reference, callsByState: [...reference.callsByState] }));
  renameSync(temporary, file);
}

/** The reference run, made and kept for the run's other files (the crash part makes its own: it proves the reference). */
export async function referenceRunKept(h: Harness, adapter: TargetAdapter): Promise<Reference> {
  const reference = await referenceRun(h, adapter);
  keepReference(labelOf(adapter), reference);
  return reference;
}

/**
 * The workflow's reference as another file of this vitest run already made it (its end state is
 * normalised to roles, so it holds for every fresh seed), else a new reference run. Each part
 * needs one, and making it (seed plus a routine run) is a second or more per workflow and part.
 */
export async function sharedReference(h: Harness, adapter: TargetAdapter): Promise<Reference> {
  const file = referenceFile(labelOf(adapter));
  if (file && existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Omit<Reference, 'callsByState'> & { callsByState: [string, string[]][] };
    return { ...kept, callsByState: new Map(kept.callsByState) };
  }
  return referenceRunKept(h, adapter);
}

/** Slack texts with ids, numbers and dates blanked: one outcome, one text. */
export function duplicatedSlackOutcomes(h: Harness): string[] {
  const normalised = h.slackTexts().map((t) => t.replace(/[A-Za-z0-9_-]*\d[A-Za-z0-9_:.-]*/g, '#'));
  return [...new Set(normalised.filter((t, i) => normalised.indexOf(t) !== i))];
}

/** Invariant 1 at every transition of a run: collects violations with where they were seen. */
export function probeCurrent(h: Harness, adapter: TargetAdapter, target: Target, into: string[]) {
  return async (t: { state: string; phase: string }) => {
    if (!adapter.currentWorks) return;
    for (const v of await adapter.currentWorks(h, target)) into.push(`${t.phase} "${t.state}": ${v}`);
  };
}

export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
