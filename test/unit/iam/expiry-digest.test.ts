import { describe, expect, it } from 'vitest';
import { buildExpiryDigest, MAX_LISTED } from '../../../src/iam/expiry-digest';
import type { ExpiryAlert, ExpiryReport } from '../../../src/iam/check-certificate-expiry';

const alert = (name: string, daysLeft: number, severity: ExpiryAlert['severity'], threshold: ExpiryAlert['threshold'], crossed = false): ExpiryAlert => ({
  name,
  arn: `arn:aws:iam::123456789012:server-certificate/web/${name}`,
  path: '/web/',
  expiration: '2026-06-04T13:00:00.000Z',
  daysLeft,
  severity,
  threshold,
  crossedThreshold: crossed,
});

const context = { accountLabel: 'prod', pathPrefix: '/', thresholdsDays: [30, 14, 7, 3, 1], consoleRegion: 'eu-west-1' };

describe('buildExpiryDigest', () => {
  it('puts counts in the header section, expired first and unmissable, muted in one line at the end', () => {
    const report: ExpiryReport = {
      counts: { expired: 1, critical: 0, warning: 1, notice: 0, ok: 5 },
      alerts: [alert('old', -1, 'expired', 'expired'), alert('www', 3, 'warning', 3, true)],
      muted: [{ name: 'legacy', daysLeft: -4, severity: 'expired' }, { name: 'lab', daysLeft: 2, severity: 'warning' }],
      crossedCount: 1,
    };

    const digest = buildExpiryDigest(report, context);

    expect(digest.text).toBe('IAM server certificates — prod: 1 expired, 1 warning');
    expect(digest.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'IAM server certificate expiry — prod' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*1 expired* · 0 critical · 1 warning · 0 notice · 5 ok · 2 muted' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: ':rotating_light: *1 certificate has EXPIRED*: clients using it fail TLS now. Replace it first.' },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: ':new: 1 certificate crossed into a new threshold since the last run (marked :new: below).' },
      },
      { type: 'divider' },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            ':rotating_light: *old* — *EXPIRED* (expired)\n' +
            'Expired 2026-06-04 13:00 UTC · path `/web/`\n' +
            '`arn:aws:iam::123456789012:server-certificate/web/old`\n' +
            '<https://eu-west-1.console.aws.amazon.com/cloudshell/home?region=eu-west-1|Open CloudShell>: `aws iam get-server-certificate --server-certificate-name old`',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            ':large_orange_circle: *www* — 3 days left (warning) :new: now within 3 days\n' +
            'Expires 2026-06-04 13:00 UTC · path `/web/`\n' +
            '`arn:aws:iam::123456789012:server-certificate/web/www`\n' +
            '<https://eu-west-1.console.aws.amazon.com/cloudshell/home?region=eu-west-1|Open CloudShell>: `aws iam get-server-certificate --server-certificate-name www`',
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Muted (not alerted): legacy (expired), lab (2 days left)' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'keyturn check-iam-cert-expiry · path prefix `/` · thresholds 30/14/7/3/1 days' }] },
    ]);
  });

  it('stays within Slack\'s 50 blocks by counting what it cannot list', () => {
    const alerts = Array.from({ length: 60 }, (_, i) => alert(`c${i}`, 5, 'warning', 7));
    const digest = buildExpiryDigest({ counts: { expired: 0, critical: 0, warning: 60, notice: 0, ok: 0 }, alerts, muted: [], crossedCount: 0 }, context);
    expect(digest.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(digest.blocks.at(-2))).toContain(`…and ${60 - MAX_LISTED} more within thresholds`);
  });

  it('escapes Slack control characters in paths', () => {
    const a = { ...alert('x', 10, 'notice', 14), path: '/a<b>&c/' };
    const digest = buildExpiryDigest({ counts: { expired: 0, critical: 0, warning: 0, notice: 1, ok: 0 }, alerts: [a], muted: [], crossedCount: 0 }, context);
    expect(JSON.stringify(digest.blocks)).toContain('/a&lt;b&gt;&amp;c/');
  });
});
