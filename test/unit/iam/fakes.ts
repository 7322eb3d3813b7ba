import type { Log } from '../../../src/logger';
import type { ExpiryMetrics } from '../../../src/iam/expiry-metrics';

const noop = () => undefined;
export const silentLog: Log = { debug: noop, info: noop, warn: noop, error: noop } as unknown as Log;

export function recordingMetrics(): ExpiryMetrics & { recorded: Array<[string, number]>; minimums: number[] } {
  const recorded: Array<[string, number]> = [];
  const minimums: number[] = [];
  return {
    recorded,
    minimums,
    recordDaysToExpiry: (name, days) => void recorded.push([name, days]),
    recordMinimumDaysToExpiry: (days) => void minimums.push(days),
  };
}
