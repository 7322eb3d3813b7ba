import { describe, expect, it } from 'vitest';
import type { KeyturnConfig, Target } from '../../../src/config/config-schema';
import { deployResources, EXPIRY_ALARM_ID, mostUrgentExpiryThreshold } from '../../../src/config/deploy-resources';

const check = (name: string, input: Record<string, unknown>, enabled = true): Target => ({
  name,
  workflow: 'check-iam-cert-expiry',
  input: { slackWebhookSecretId: 'keyturn/slack/webhook', ...input },
  enabled,
  inputCheck: 'workflow',
});
const configWith = (...targets: Target[]): KeyturnConfig => ({ file: 'keyturn.config.yml', stage: 'dev', region: 'us-east-1', slackWebhookUrlPrefixes: [], targets });
const machines = [
  { workflow: 'check-iam-cert-expiry', key: 'checkIamCertExpiry', name: 'keyturn-check-iam-cert-expiry-dev' },
  { workflow: 'rotate-cloudfront-key', key: 'rotateCloudfrontKey', name: 'keyturn-rotate-cloudfront-key-dev' },
];

describe('mostUrgentExpiryThreshold', () => {
  it('is the smallest threshold of the enabled expiry checks', () => {
    const config = configWith(check('web', { thresholdsDays: [30, 14, 7] }), check('api', { thresholdsDays: [21, 3] }), check('lab', { thresholdsDays: [0] }, false));

    expect(mostUrgentExpiryThreshold(config)).toBe(3);
  });

  it("is the default thresholds' smallest (1 day) for a check that sets none, or when no check is enabled", () => {
    expect(mostUrgentExpiryThreshold(configWith(check('web', {}), check('api', { thresholdsDays: [30, 14] })))).toBe(1);
    expect(mostUrgentExpiryThreshold(configWith(check('lab', { thresholdsDays: [60] }, false)))).toBe(1);
  });
});

describe('deployResources', () => {
  it('adds the expiry alarm, at the most urgent threshold, only when the expiry check is deployed', () => {
    const config = configWith(check('web', { thresholdsDays: [30, 7] }));

    expect(deployResources(config, machines).Resources[EXPIRY_ALARM_ID]?.Properties).toMatchObject({ Threshold: 7, ComparisonOperator: 'LessThanOrEqualToThreshold' });
    expect(deployResources(config, machines.slice(1)).Resources[EXPIRY_ALARM_ID]).toBeUndefined();
  });
});
