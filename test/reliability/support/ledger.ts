/**
 * What the harness tried and what held, appended as JSON lines to the file named by
 * `KEYTURN_RELIABILITY_RESULTS` (set by scripts/reliability-report.ts, which renders
 * docs/reliability.md from it). Without the variable nothing is written.
 */
import { appendFileSync } from 'node:fs';

export type Part = 'crash' | 'crash-inside' | 'concurrent' | 'racing' | 'storm' | 'leak' | 'bad-input' | 'cli-bad-input';

export interface LedgerEntry {
  part: Part;
  workflow: string;
  /** What was tried, in a few words (a state, an input, a fault list). */
  case: string;
  held: boolean;
  /** Workflow runs this case made. */
  runs: number;
  /** Counted things beyond runs: faults injected, edits made, artefacts scanned... */
  counts?: Record<string, number>;
  /** Why it did not hold, or the known bug it is skipped for. */
  note?: string;
  skipped?: boolean;
}

export function record(entry: LedgerEntry): void {
  const file = process.env.KEYTURN_RELIABILITY_RESULTS;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ ...entry, at: new Date().toISOString() })}\n`);
}

/** Runs a case, records it held or not (with the first line of the failure), and rethrows. */
export async function tried<T>(entry: Omit<LedgerEntry, 'held' | 'runs'> & { runs?: number }, body: (tally: Tally) => Promise<T>): Promise<T> {
  const tally: Tally = { runs: entry.runs ?? 0, counts: { ...(entry.counts ?? {}) } };
  try {
    const out = await body(tally);
    record({ ...entry, held: true, runs: tally.runs, counts: tally.counts });
    return out;
  } catch (error) {
    if ((error as { silent?: boolean }).silent) throw error;
    record({ ...entry, held: false, runs: tally.runs, counts: tally.counts, note: String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 300) });
    throw error;
  }
}

export interface Tally {
  runs: number;
  counts: Record<string, number>;
}

export function count(tally: Tally, what: string, n = 1): void {
  tally.counts[what] = (tally.counts[what] ?? 0) + n;
}

/**
 * A case with a known bug (test/reliability/known-bugs.ts) is not tried: it is recorded as skipped,
 * with the bug as its note. True when `label` has one.
 */
export function skippedForKnownBug(part: Part, workflow: string, label: string, bug: string | undefined): boolean {
  if (bug) record({ part, workflow, case: label, held: false, skipped: true, runs: 0, note: bug });
  return bug !== undefined;
}
