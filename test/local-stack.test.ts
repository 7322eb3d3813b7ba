/**
 * `keyturn up` (src/local/stack/up.ts): the committed config's stack deployed into the simulator
 * and run for 30 simulated days on the demo account, the slice of the main job `npm start` runs
 * for 400: every schedule fires when EventBridge would, the handlers see the simulated time (keys
 * age, certificates count down), and the end says where every target stands.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config';
import { up, type UpResult } from '../src/local/stack/up';
import { serviceNow } from '../src/status/target-status';
import { keyturn, lastLine } from './support/cli';

const DAY_MS = 86_400_000;

describe('keyturn up', () => {
  let result: UpResult;
  const lines: string[] = [];
  const RealDate = Date;
  const start = new Date('2026-12-05T21:40:00Z');
  afterAll(async () => {
    await result?.serving?.close();
    // The real clock is back.
    expect(Date).toBe(RealDate);
  });

  it('runs 30 simulated days of the committed config on the demo account: each schedule fires as EventBridge would, grace periods pass on the clock', async () => {
    const config = loadConfig('keyturn.config.yml', { root: process.cwd() });
    // Kept up after the run, for keyturn status and run --target below.
    result = await up({ root: process.cwd(), config, demo: true, days: 30, start, keep: true, out: (line) => lines.push(line) });

    expect(result.executions.filter((e) => e.status !== 'SUCCEEDED')).toEqual([]);
    const of = (target: string) => result.executions.filter((e) => e.target === target);
    // The 08:00 UTC cron, and the deploy's rate(1 day) rules (from the deploy, 21:40).
    const expiry = of('server-certificate-expiry');
    expect(expiry[0]!.at).toBe('2026-12-06 08:00');
    expect(expiry.length).toBeGreaterThanOrEqual(27);
    const cloudfront = of('media-signing-key');
    expect(cloudfront[0]).toMatchObject({ at: '2026-12-06 21:40', summary: expect.stringMatching(/^rotated: new K\w+$/) });
    // Its grace period (graceSeconds 86400) passes on the clock: the Lightsail rule, due meanwhile,
    // starts a day later, when that run ends (runs are one at a time), and then waits out its own.
    expect(of('media-uploads-bucket-key')[0]).toMatchObject({ at: '2026-12-07 21:40', summary: expect.stringMatching(/^rotated: new AKIA\w+$/) });
    expect(of('orders-backend-client-cert')[0]).toMatchObject({ at: '2026-12-08 21:40', summary: expect.stringMatching(/^rotated: new \w{10}$/) });
    expect(cloudfront.length).toBeGreaterThanOrEqual(27);
    expect(lines).toContain(`  deployed 5 state machines and 4 schedules (stage dev)`);
  });

  it('runs every handler on the simulated clock: a key ages a day a day, certificates count down', () => {
    const cloudfront = result.executions.filter((e) => e.target === 'media-signing-key');
    expect(cloudfront.at(-1)!.summary).toBe('not due: key is 28 days old; rotation due at 90 days');
    expect(result.executions.filter((e) => e.target === 'media-uploads-bucket-key').at(-1)!.summary).toBe('not due: key is 27 days old; rotation due at 90 days');
    const digests = result.executions.filter((e) => e.target === 'server-certificate-expiry').map((e) => e.summary);
    expect(digests[0]).toBe('checked 6 certificates: 1 expired, 1 critical, 1 warning, 2 notice');
    // Within the month everything but the one with 340 days left expires (2, 4, 10 and 21 days left).
    expect(digests.at(-1)).toBe('checked 6 certificates: 5 expired');
  });

  it("ends with every target's status at the simulated date, what Slack got, and the metrics (kept out of the output)", () => {
    const media = result.statuses.find((s) => s.target === 'media-signing-key')!;
    expect(media.credentialAgeDays).toBe(28);
    expect(new RealDate(media.nextDue!).getTime() - new RealDate(media.lastRotation!).getTime()).toBe(90 * DAY_MS);
    expect(media.lastRotation).toMatch(/^2026-12-06T21:40/);
    expect(media.lastExecution).toMatchObject({ status: 'SUCCEEDED', startDate: expect.stringMatching(/^2027-01-04T21:40/) });
    expect(result.statuses.find((s) => s.target === 'import-renewed-certificate')).toMatchObject({ schedule: 'disabled' });
    const digests = result.executions.filter((e) => e.target === 'server-certificate-expiry').length;
    expect(result.slack).toEqual({ total: 3 + digests, byKind: { 'rotation done': 3, 'expiry digest': digests } });
    expect(result.metrics.ServerCertificateMinDaysToExpiry).toMatchObject({ count: digests });
    expect(lines.some((l) => l.includes('"_aws"'))).toBe(false);
  });

  it('stays up with keep: keyturn status and keyturn run --target reach it through the AWS APIs, on its clock', async () => {
    expect(process.env.AWS_ENDPOINT_URL).toBe(result.serving!.url);
    const status = await keyturn('status', '--json');
    expect(status.code, status.stderr).toBe(0);
    const rows = JSON.parse(status.stdout) as { target: string; credentialAgeDays?: number; lastExecution?: { startDate: string } }[];
    expect(rows.find((r) => r.target === 'media-signing-key')).toMatchObject({ credentialAgeDays: 28, lastExecution: { startDate: expect.stringMatching(/^2027-01-04T21:40/) } });

    const run = await keyturn('run', '--target', 'media-signing-key', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(lastLine(run.stdout))).toMatchObject({ rotated: false, reason: 'key is 28 days old; rotation due at 90 days' });
  });

  it("computes ages on the service's clock, as the SDK learned it from the Date header", () => {
    const ahead = serviceNow({ config: { systemClockOffset: 400 * DAY_MS } });
    expect(Math.round((ahead.getTime() - Date.now()) / DAY_MS)).toBe(400);
    expect(Math.abs(serviceNow({ config: {} }).getTime() - Date.now())).toBeLessThan(1000);
    // Less than the SDK's five minutes: the Date header's rounding, not another clock.
    expect(Math.abs(serviceNow({ config: { systemClockOffset: -800 } }).getTime() - Date.now())).toBeLessThan(100);
  });

  it('refuses a number of days it cannot run, naming the flag', async () => {
    const { code, stderr } = await keyturn('up', '--days', '0');
    expect(code).toBe(2);
    expect(stderr).toContain('--days must be a whole number of days, 1-3650');
  });
});
