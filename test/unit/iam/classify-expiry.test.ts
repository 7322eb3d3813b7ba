import { describe, expect, it } from 'vitest';
import { classifyExpiry, DEFAULT_THRESHOLDS_DAYS } from '../../../src/iam/classify-expiry';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const inDays = (days: number, extraMs = 60 * 60 * 1000) => new Date(NOW.getTime() + days * DAY + extraMs);

describe('classifyExpiry', () => {
  it.each([
    [400, 'ok', null],
    [31, 'ok', null],
    [30, 'notice', 30],
    [14, 'notice', 14],
    [8, 'notice', 14],
    [7, 'warning', 7],
    [3, 'warning', 3],
    [1, 'critical', 1],
    [0, 'critical', 1],
  ] as const)('puts a certificate with %i days left in %s (threshold %s)', (days, severity, threshold) => {
    const result = classifyExpiry(inDays(days), NOW, DEFAULT_THRESHOLDS_DAYS);
    expect(result).toEqual({ daysLeft: days, severity, threshold });
  });

  it('calls a certificate expired from the instant of its Expiration', () => {
    expect(classifyExpiry(NOW, NOW, DEFAULT_THRESHOLDS_DAYS).severity).toBe('expired');
    expect(classifyExpiry(inDays(-3, 0), NOW, DEFAULT_THRESHOLDS_DAYS)).toEqual({ daysLeft: -3, severity: 'expired', threshold: 'expired' });
  });

  it('accepts thresholds in any order and with duplicates', () => {
    expect(classifyExpiry(inDays(5), NOW, [1, 30, 7, 7, 14, 3])).toEqual({ daysLeft: 5, severity: 'warning', threshold: 7 });
  });

  it('has only critical with a single threshold', () => {
    expect(classifyExpiry(inDays(10), NOW, [14]).severity).toBe('critical');
    expect(classifyExpiry(inDays(15), NOW, [14]).severity).toBe('ok');
  });
});
