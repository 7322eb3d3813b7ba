/**
 * A failure as a state machine's Catch hands it to the next state (`{ Error, Cause }`), turned
 * into what a notification says: the error's name, its message, and the state that failed.
 */

/** What a Catch puts in the state: `Cause` is Lambda's JSON (`{ errorMessage, … }`) or plain text. */
export interface CaughtFailure {
  Error?: string;
  Cause?: string;
}

/** Long causes are cut: the result travels in the state and into a Slack section. */
const MAX_MESSAGE_CHARS = 500;

/** The caught error's name and message (Lambda's `errorMessage` when the cause is its JSON). */
export function describeFailure(failure: CaughtFailure | undefined): { name: string; message: string } {
  let message = failure?.Cause ?? '';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Plain text cause: keep it.
  }
  return { name: failure?.Error ?? 'UnknownError', message: message.slice(0, MAX_MESSAGE_CHARS) };
}

/** [state name, the field its result lands in], in execution order. */
export type StepResults = ReadonlyArray<readonly [state: string, resultField: string]>;

/**
 * The state that failed, from the results already in the state: states run in `steps` order,
 * each adding its result, so the failed one is the first after the last result present.
 */
export function failedStateOf(steps: StepResults, progress: Record<string, unknown>): string {
  let last = -1;
  steps.forEach(([, field], index) => {
    if (progress[field] !== undefined && progress[field] !== null) last = index;
  });
  return steps[Math.min(last + 1, steps.length - 1)]?.[0] ?? 'unknown';
}
