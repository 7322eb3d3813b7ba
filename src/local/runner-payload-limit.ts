/**
 * Step Functions' payload quota, enforced by the local runner as AWS enforces it: an execution's
 * input, a Task's input (after Parameters) and result, and every state's output are at most
 * 256 KiB of UTF-8 JSON. A workflow that only fits locally would fail in production.
 */

/** 256 KiB: the quota for inputs and outputs of executions, states and tasks. */
export const PAYLOAD_LIMIT_BYTES = 262_144;

export const DATA_LIMIT_EXCEEDED = 'States.DataLimitExceeded';

/** Size of a payload as Step Functions measures it: its JSON text in UTF-8. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
}

export function exceedsPayloadLimit(value: unknown): number | undefined {
  const bytes = payloadBytes(value);
  return bytes > PAYLOAD_LIMIT_BYTES ? bytes : undefined;
}

export function dataLimitCause(what: string, bytes: number): string {
  return `${what} is ${bytes} bytes, more than the ${PAYLOAD_LIMIT_BYTES}-byte (256 KiB) payload quota`;
}

/**
 * `States.DataLimitExceeded`. AWS documents it as a terminal error that `States.ALL` does not
 * catch; whether a Catch or Retry naming it explicitly matches it is unconfirmed, so the runner
 * takes the stricter reading: nothing retries or catches it, and the execution fails with it.
 */
export class DataLimitExceededError extends Error {
  override name = DATA_LIMIT_EXCEEDED;
  /** Read by aws-local-stepfunctions' Retry and Catch matching. */
  readonly isRetryable = false;
  readonly isCatchable = false;
}
