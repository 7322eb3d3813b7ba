/**
 * Days left and severity of one certificate against the alert thresholds (days, e.g.
 * [30, 14, 7, 3, 1]). Pure: the clock is a parameter.
 *
 * Severity bands, with the thresholds sorted ascending t[0] < … < t[n-1]:
 *   expired   Expiration is now or past
 *   critical  daysLeft ≤ t[0]                 (the smallest threshold)
 *   warning   daysLeft ≤ t[⌊(n-1)/2⌋]         (the median threshold: 7 of 30/14/7/3/1)
 *   notice    daysLeft ≤ t[n-1]               (the largest threshold)
 *   ok        beyond every threshold
 * `threshold` is the smallest threshold the certificate is within (finer than severity): a
 * certificate going from ≤14 to ≤7 days "crossed into a new threshold" even if both are warning.
 */
export const SEVERITIES = ['expired', 'critical', 'warning', 'notice', 'ok'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DEFAULT_THRESHOLDS_DAYS = [30, 14, 7, 3, 1] as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ExpiryClass {
  /** Whole days until Expiration, rounded toward zero: 0 in the last day, -2 two days after. */
  daysLeft: number;
  severity: Severity;
  /** 'expired', the smallest threshold (days) the certificate is within, or null when ok. */
  threshold: 'expired' | number | null;
}

export function classifyExpiry(expiration: Date, now: Date, thresholdsDays: readonly number[]): ExpiryClass {
  const ascending = [...new Set(thresholdsDays)].sort((a, b) => a - b);
  const remainingMs = expiration.getTime() - now.getTime();
  const daysLeft = Math.trunc(remainingMs / DAY_MS) || 0; // `|| 0`: no -0 in JSON or metrics
  if (remainingMs <= 0) return { daysLeft, severity: 'expired', threshold: 'expired' };
  const threshold = thresholdFor(daysLeft, ascending);
  if (threshold === null || ascending.length === 0) return { daysLeft, severity: 'ok', threshold: null };
  const smallest = ascending[0]!;
  const median = ascending[Math.floor((ascending.length - 1) / 2)]!;
  const severity: Severity = daysLeft <= smallest ? 'critical' : daysLeft <= median ? 'warning' : 'notice';
  return { daysLeft, severity, threshold };
}

/** The smallest threshold `daysLeft` is within, or null beyond all of them. */
export function thresholdFor(daysLeft: number, thresholdsDays: readonly number[]): number | null {
  return [...thresholdsDays].sort((a, b) => a - b).find((t) => daysLeft <= t) ?? null;
}

/** Lower is more urgent: orders digests and decides whether a threshold was crossed. */
export function urgencyRank(threshold: ExpiryClass['threshold']): number {
  if (threshold === 'expired') return -1;
  return threshold ?? Number.POSITIVE_INFINITY;
}
