/**
 * Customer managed KMS keys (keyturn.config.yml `kmsKeyArn`): packaging grants kms:Decrypt (and,
 * to the functions that write, kms:GenerateDataKey) on exactly the configured keys, to exactly the
 * functions of the workflows whose targets name one; nothing for a config that names none.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { normalizedName } from '../src/config/deploy-resources';
import { credentialSecretUse } from '../src/config/kms-key-policies';
import { loadConfig } from '../src/config/load-config';

const repo = fileURLToPath(new URL('..', import.meta.url));
const GLOBAL_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const LIGHTSAIL_KEY = 'arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef';

/** serverless/schedules.cjs as packaging loads it, fresh (it keeps the config it loaded first). */
function freshSchedules(): { resources(options: { resolveConfigurationProperty: (path: string[]) => Promise<unknown> }): Promise<{ Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }> } {
  const require = createRequire(import.meta.url);
  delete require.cache[require.resolve('../serverless/schedules.cjs')];
  return require('../serverless/schedules.cjs') as ReturnType<typeof freshSchedules>;
}

function configFile(config: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'keyturn-kms-')), 'keyturn.config.yml');
  writeFileSync(file, stringify(config));
  return file;
}

const config = {
  slackWebhookSecretId: 'keyturn/slack/webhook',
  kmsKeyArn: GLOBAL_KEY,
  targets: {
    media: { workflow: 'rotate-cloudfront-key', input: { keyGroupId: 'kg', secretId: 'keyturn/cloudfront/media' } },
    uploads: { workflow: 'rotate-lightsail-bucket-key', kmsKeyArn: LIGHTSAIL_KEY, input: { bucketName: 'uploads', secretId: 'keyturn/lightsail/uploads' } },
    expiry: { workflow: 'check-iam-cert-expiry', schedule: 'cron(0 8 * * ? *)' },
  },
};

describe('kmsKeyArn in keyturn.config.yml', () => {
  const previous = process.env.KEYTURN_CONFIG;
  afterEach(() => {
    if (previous === undefined) delete process.env.KEYTURN_CONFIG;
    else process.env.KEYTURN_CONFIG = previous;
  });

  it("passes the target's key, else the global one, as input.kmsKeyArn to the workflows that create secrets", () => {
    const loaded = loadConfig(configFile(config), { root: repo });
    const input = (name: string) => loaded.targets.find((t) => t.name === name)!.input;
    expect(input('media').kmsKeyArn).toBe(GLOBAL_KEY);
    expect(input('uploads').kmsKeyArn).toBe(LIGHTSAIL_KEY);
    expect(input('expiry')).not.toHaveProperty('kmsKeyArn');
  });

  it('refuses a key that is not a key ARN, and a key on a workflow that creates no secret', () => {
    expect(() => loadConfig(configFile({ ...config, kmsKeyArn: 'alias/keyturn' }), { root: repo })).toThrow(/kmsKeyArn: must be a KMS key ARN/);
    expect(() =>
      loadConfig(configFile({ ...config, targets: { ...config.targets, expiry: { ...config.targets.expiry, kmsKeyArn: GLOBAL_KEY } } }), { root: repo }),
    ).toThrow(/target 'expiry': kmsKeyArn: check-iam-cert-expiry creates no secret to encrypt/);
  });

  it('grants kms:Decrypt on the configured keys only to the functions that read the secrets, and kms:GenerateDataKey to those that write them', async () => {
    process.env.KEYTURN_CONFIG = configFile(config);
    const schedules = freshSchedules();

    const { Resources } = await schedules.resources({ resolveConfigurationProperty: async (path) => (path[0] === 'provider' ? 'dev' : undefined) });

    const policies = Object.fromEntries(Object.entries(Resources).filter(([id]) => id.endsWith('KmsKeysPolicy')));
    const expected = [
      ...[...credentialSecretUse(repo, 'rotate-cloudfront-key')].map(([fn, use]) => [fn, use, GLOBAL_KEY] as const),
      ...[...credentialSecretUse(repo, 'rotate-lightsail-bucket-key')].map(([fn, use]) => [fn, use, LIGHTSAIL_KEY] as const),
    ];
    expect(expected.length).toBeGreaterThan(8);
    expect(Object.keys(policies).sort()).toEqual(expected.map(([fn]) => `${normalizedName(fn)}KmsKeysPolicy`).sort());
    for (const [fn, use, key] of expected) {
      const policy = policies[`${normalizedName(fn)}KmsKeysPolicy`]!;
      expect(policy.Properties.Roles).toEqual([{ Ref: `${normalizedName(fn)}IamRoleLambdaExecution` }]);
      expect(policy.Properties.PolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: use.writes ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'], Resource: [key] }],
      });
    }
    // The Slack steps read webhook secrets, not the credentials: no key for them.
    expect(policies.CloudfrontNotifyFailedKmsKeysPolicy).toBeUndefined();
    expect(policies.CloudfrontStorePendingKeyKmsKeysPolicy?.Properties.PolicyDocument).toMatchObject({ Statement: [{ Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }] });
  });

  it('adds no KMS policy for a config that names no key', async () => {
    const { kmsKeyArn: _, ...withoutKey } = config;
    process.env.KEYTURN_CONFIG = configFile({ ...withoutKey, targets: { media: config.targets.media } });
    const schedules = freshSchedules();
    const { Resources } = await schedules.resources({ resolveConfigurationProperty: async (path) => (path[0] === 'provider' ? 'dev' : undefined) });
    expect(Object.keys(Resources).filter((id) => id.endsWith('KmsKeysPolicy'))).toEqual([]);
  });
});
