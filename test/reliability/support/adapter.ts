/**
 * A target adapter teaches the harness one workflow: how to seed a target that is due, the input,
 * the end state normalised for ids and timestamps that legitimately differ between runs, the
 * invariants that must hold whenever no run is in flight, and the catalogues the parts draw from.
 * Adding a workflow to the harness is one file in test/reliability/adapters/.
 */
import type { RunResult } from '../../../src/local/runner';
import type { Harness } from './harness';

export interface Target {
  input: Record<string, unknown>;
  /** Whatever the adapter's snapshot and invariants need (ids of what the seed made). */
  ids: Record<string, string>;
}

export interface HumanEdit {
  name: string;
  /** Makes the edit through the SDK (or the racing writer); returns a check that it survived. */
  apply(h: Harness, target: Target, pick: number): Promise<() => Promise<string[]>>;
}

export interface BadInput {
  what: string;
  input: unknown;
  /** The field the error must name. */
  field: string;
}

export interface TargetAdapter {
  workflow: string;
  /** When a workflow has more than one adapter: what sets this one apart (e.g. "first rotation"). */
  scenario?: string;
  /** rotation: one at a time per target (a lock), resumable by rotationId; other workflows are plain reruns. */
  kind: 'rotation' | 'report';
  /**
   * Rotations: the secret whose AWSPENDING label is the rotation lock (docs/design.md "The rotation
   * protocol"), held from the pending version's creation to promotion or release.
   */
  lockSecretId?(target: Target): string;
  /** A target on a fresh simulator, due for a routine run. */
  seed(h: Harness): Promise<Target>;
  /** The input of a rerun that resumes a crashed execution. */
  resumeInput(target: Target, crashedExecutionName: string): Record<string, unknown>;
  /** The end state with ids replaced by their roles. */
  snapshot(h: Harness, target: Target): Promise<unknown>;
  /** Violations of the invariants that hold whenever no run is in flight (empty: all hold). */
  invariants(h: Harness, target: Target): Promise<string[]>;
  /** Invariant 1, probed before and after every Task: the current credential works. Empty: holds. */
  currentWorks?(h: Harness, target: Target): Promise<string[]>;
  /** Whether a finished run did the routine work (rotated, uploaded, reported). */
  didWork(result: RunResult): boolean;
  /** Tasks that create a credential and store it in the same invocation: the create, then the store. */
  creatingSteps: { state: string; afterOperation: string }[];
  humanEdits: HumanEdit[];
  /** Operations a fault storm may hit. */
  stormOperations: { service: string; operation: string }[];
  badInputs(target: Target): BadInput[];
}

/** How the ledger, the test titles and the shared reference name an adapter: its workflow, and its scenario if any. */
export const labelOf = (adapter: Pick<TargetAdapter, 'workflow' | 'scenario'>): string =>
  adapter.scenario ? `${adapter.workflow} (${adapter.scenario})` : adapter.workflow;
