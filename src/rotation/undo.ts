/**
 * The compensation every failed rotation goes through (docs/design.md invariant 3), written once:
 * what the rotation made is kept when it is in use (its credential was promoted, or something
 * presents it), removed otherwise, and the lock is released either way. Each service says what
 * "its own", "in use" and "remove" mean through a `RotationTarget`; the undo reports every change
 * it made (`undone`) and everything it left (`kept`). Idempotent: a rerun finds nothing left of
 * what it already removed.
 */
import type { StepResults } from '../notify/caught-failure';
import { describeFailure, failedStateOf } from '../notify/caught-failure';
import type { Log } from '../logger';
import type { RotationLock } from './lock';
import type { ApprovalConfig } from './config';
import { withdrawApproval } from './approval-store';
import type { SecretsClient } from '../secrets/credential-store';

export interface UndoReport {
  undone: string[];
  kept: string[];
}

/** What a service's rotation made, as the undo sees it. */
export interface RotationTarget<Own> {
  /** What the credential is called in the report: "key". */
  readonly credential: string;
  /** The target's ids for the log line (never a secret). */
  readonly logFields: Record<string, string>;
  /** What this rotation made that is still there, found from the world (not from the state), or undefined. */
  findOwn(): Promise<Own | undefined>;
  /** Why what it made must stay (something presents it): the lines the undo keeps; none when it can go. */
  inUse(own: Own): Promise<string[]>;
  /** Removes what it made; the lines for what it removed and what it could not. */
  removeOwn(own: Own): Promise<UndoReport>;
}

export async function undoRotation<Own>(target: RotationTarget<Own>, lock: RotationLock, log: Log): Promise<UndoReport> {
  const undone: string[] = [];
  const kept: string[] = [];
  const promoted = await lock.promotedVersionId();
  if (promoted) {
    kept.push(`the new ${target.credential} is already current (secret version ${promoted}): kept`);
  } else {
    const own = await target.findOwn();
    if (own !== undefined) {
      const inUse = await target.inUse(own);
      if (inUse.length) kept.push(...inUse);
      else {
        const removed = await target.removeOwn(own);
        undone.push(...removed.undone);
        kept.push(...removed.kept);
      }
    }
  }
  const released = await lock.release();
  if (released) undone.push(released);
  log.info('rotation undone', { ...target.logFields, undone: undone.length, kept: kept.length });
  return { undone, kept };
}

/**
 * The compensation's result in the state: the failed state (from the results present), the error,
 * and the undo's report, with an approval request nobody answered withdrawn (src/rotation/approval-store.ts).
 */
export async function compensate(
  stepResults: StepResults,
  event: {
    failure: Parameters<typeof describeFailure>[0];
    progress: Record<string, unknown>;
    config: { approval?: ApprovalConfig | undefined };
    executionArn?: string | undefined;
  },
  undo: Promise<UndoReport>,
  deps: { secrets: SecretsClient; log: Log },
): Promise<UndoReport & { failedState: string; error: ReturnType<typeof describeFailure> }> {
  const report = await undo;
  const withdrawn = await withdrawApproval(deps, event);
  return {
    // An approval gate that failed says so itself (its "Note that … was not approved" state): gates keep no step result.
    failedState: typeof event.progress.notApproved === 'string' ? event.progress.notApproved : failedStateOf(stepResults, event.progress),
    error: describeFailure(event.failure),
    undone: withdrawn ? [...report.undone, withdrawn] : report.undone,
    kept: report.kept,
  };
}
