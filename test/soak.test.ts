/**
 * A 30-day slice of the soak (`npm run soak` runs two simulated years and writes docs/soak.md):
 * the dense world of 20 targets, daily schedules and short key ages, with faults injected from a
 * fixed seed, its invariants checked every simulated day (src/local/soak/invariants.ts).
 */
import { describe, expect, it } from 'vitest';
import { soak } from '../src/local/soak/soak';

describe('the soak, a 30-day slice', () => {
  it('keeps every invariant of the dense world through faults, and every failure is made good by a later run', async () => {
    const [dense] = await soak({ root: process.cwd(), days: 30, seed: 7, out: () => {} });

    expect(dense!.breaches).toEqual([]);
    expect(dense!.targets).toBe(20);
    // Every simulated day, and once more at the end.
    expect(dense!.checks).toBe(31);
    expect(dense!.executions).toBe(600);
    // Keys are due every 3 to 7 days: many rotations, each told to Slack once.
    expect(dense!.rotations).toBeGreaterThan(50);
    expect(dense!.slackRotationMessages).toBe(dense!.rotations);
    // The seed's refused calls fail some rotations; each is undone and the next day's run makes it.
    expect(dense!.faultsInjected).toBeGreaterThan(10);
    expect(dense!.failures).toBeGreaterThan(0);
    expect(dense!.failuresSurvived).toBe(dense!.failures);
    expect(dense!.maxima).toMatchObject({ keyturnKeysPerKeyGroup: 1, keysPerBucket: 1, certificatesPerTrustStore: 1 });
  }, 180_000);
});
