import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { IAMClient, ListServerCertificatesCommand } from '@aws-sdk/client-iam';
import { checkCertificateExpiry } from '../../../src/iam/check-certificate-expiry';
import { DEFAULT_THRESHOLDS_DAYS } from '../../../src/iam/classify-expiry';
import { recordingMetrics, silentLog } from './fakes';

const iamMock = mockClient(IAMClient);
afterEach(() => iamMock.reset());

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const arn = (name: string) => `arn:aws:iam::123456789012:server-certificate/${name}`;
const expiresIn = (days: number) => new Date(NOW.getTime() + days * DAY + Math.sign(days || 1) * 3_600_000);

function seed(certs: Record<string, number>) {
  iamMock.on(ListServerCertificatesCommand).resolves({
    IsTruncated: false,
    ServerCertificateMetadataList: Object.entries(certs).map(([name, days]) => ({
      ServerCertificateName: name,
      ServerCertificateId: `ID${name}`,
      Path: '/',
      Arn: arn(name),
      Expiration: expiresIn(days),
    })),
  });
}

const settings = { pathPrefix: '/', thresholdsDays: [...DEFAULT_THRESHOLDS_DAYS], mutedCertificateNames: [] as string[] };

describe('checkCertificateExpiry', () => {
  it('lists certificates most urgent first, counts non-muted ones and emits one metric each', async () => {
    seed({ far: 400, soon: 3, gone: -2, legacy: 1 });
    const metrics = recordingMetrics();

    const result = await checkCertificateExpiry(
      { iam: new IAMClient({}), remembered: null, metrics, now: () => NOW, log: silentLog },
      { ...settings, mutedCertificateNames: ['legacy'] },
    );

    expect(result.certificates.map((c) => [c.name, c.daysLeft, c.severity])).toEqual([
      ['gone', -2, 'expired'],
      ['legacy', 1, 'critical'],
      ['soon', 3, 'warning'],
      ['far', 400, 'ok'],
    ]);
    expect(result.report.counts).toEqual({ expired: 1, critical: 0, warning: 1, notice: 0, ok: 1 });
    expect(result.report.alerts.map((a) => a.name)).toEqual(['gone', 'soon']);
    expect(result.report.muted).toEqual([{ name: 'legacy', daysLeft: 1, severity: 'critical' }]);
    expect(result.digestDue).toBe(true);
    expect(metrics.recorded).toEqual([['gone', -2], ['legacy', 1], ['soon', 3], ['far', 400]]);
  });

  it('emits, once per run, the fewest days left of the certificates that are not muted (the expiry alarm\'s series)', async () => {
    seed({ far: 400, soon: 3, legacy: -5 });
    const metrics = recordingMetrics();

    await checkCertificateExpiry(
      { iam: new IAMClient({}), remembered: null, metrics, now: () => NOW, log: silentLog },
      { ...settings, mutedCertificateNames: ['legacy'] },
    );

    expect(metrics.minimums).toEqual([3]);
  });

  it('mutes a certificate snoozed from Slack until its date, saying who snoozed it, and leaves it out of the alarm series', async () => {
    seed({ soon: 3, www: 1 });
    const metrics = recordingMetrics();

    const result = await checkCertificateExpiry(
      { iam: new IAMClient({}), remembered: null, metrics, now: () => NOW, log: silentLog },
      { ...settings, snoozes: { [arn('www')]: { name: 'www', until: '2026-06-08T12:00:00.000Z', by: 'U0ONCALL', at: NOW.toISOString() } } },
    );

    expect(result.report.alerts.map((a) => a.name)).toEqual(['soon']);
    expect(result.report.muted).toEqual([{ name: 'www', daysLeft: 1, severity: 'critical', snoozedUntil: '2026-06-08T12:00:00.000Z', snoozedBy: 'U0ONCALL' }]);
    expect(metrics.minimums).toEqual([3]);
  });

  it('emits no minimum when every certificate is muted or there is none: no data point rather than a made-up one', async () => {
    seed({ legacy: -5 });
    const muted = recordingMetrics();
    await checkCertificateExpiry({ iam: new IAMClient({}), remembered: null, metrics: muted, now: () => NOW, log: silentLog }, { ...settings, mutedCertificateNames: ['legacy'] });
    seed({});
    const empty = recordingMetrics();
    await checkCertificateExpiry({ iam: new IAMClient({}), remembered: null, metrics: empty, now: () => NOW, log: silentLog }, settings);

    expect(muted.minimums).toEqual([]);
    expect(muted.recorded).toEqual([['legacy', -5]]);
    expect(empty.minimums).toEqual([]);
  });

  it('is not due when nothing unmuted is within the largest threshold', async () => {
    seed({ far: 400, edge: 31, legacy: 0 });
    const result = await checkCertificateExpiry(
      { iam: new IAMClient({}), remembered: {}, metrics: recordingMetrics(), now: () => NOW, log: silentLog },
      { ...settings, mutedCertificateNames: ['legacy'] },
    );
    expect(result.digestDue).toBe(false);
    expect(result.report.alerts).toEqual([]);
  });

  it('marks a certificate that crossed into a smaller threshold since the last run, and only that one', async () => {
    seed({ moved: 6, stayed: 20, renewed: 10, appeared: 2 });
    const remembered = {
      [arn('moved')]: { expiration: expiresIn(6).toISOString(), threshold: 14 as const },
      [arn('stayed')]: { expiration: expiresIn(20).toISOString(), threshold: 30 as const },
      // Same ARN, other expiration: a re-uploaded certificate counts as new.
      [arn('renewed')]: { expiration: expiresIn(300).toISOString(), threshold: null },
    };

    const result = await checkCertificateExpiry(
      { iam: new IAMClient({}), remembered, metrics: recordingMetrics(), now: () => NOW, log: silentLog },
      settings,
    );

    expect(Object.fromEntries(result.report.alerts.map((a) => [a.name, a.crossedThreshold]))).toEqual({
      appeared: true,
      moved: true,
      renewed: true,
      stayed: false,
    });
    expect(result.report.crossedCount).toBe(3);
  });

  it('marks no crossing before the first recorded run', async () => {
    seed({ soon: 2 });
    const result = await checkCertificateExpiry(
      { iam: new IAMClient({}), remembered: null, metrics: recordingMetrics(), now: () => NOW, log: silentLog },
      settings,
    );
    expect(result.report.crossedCount).toBe(0);
  });
});
