/**
 * The threshold memory's writes on the simulator, which follows Secrets Manager's documented
 * version rules (test/sim/secretsmanager.test.ts): a write whose token matches an existing version
 * with the same value does nothing, so the token must not repeat for a document seen before.
 */
import { describe, expect, it } from 'vitest';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadRememberedThresholds, rememberThresholds } from '../../../src/iam/threshold-memory';
import { useSimulator } from '../../support/sim';
import { silentLog } from './fakes';

useSimulator();
const SECRET = 'keyturn/state/check-iam-cert-expiry';
const arn = (name: string) => `arn:aws:iam::123456789012:server-certificate/${name}`;
const cert = (name: string, daysLeft: number) => ({ arn: arn(name), expiration: '2027-01-01T00:00:00.000Z', daysLeft, severity: 'warning' as const });
const run = (certificates: ReturnType<typeof cert>[]) => ({ pathPrefix: '/', thresholdsDays: [30, 14], certificates });

describe('threshold memory on Secrets Manager', () => {
  it('makes a memory equal to an earlier one current again (a certificate uploaded, then deleted)', async () => {
    const secrets = new SecretsManagerClient({});
    const a = run([cert('www', 20)]);
    const b = run([cert('www', 20), cert('tmp', 10)]);

    await rememberThresholds(secrets, SECRET, a, silentLog);
    await rememberThresholds(secrets, SECRET, b, silentLog);
    await rememberThresholds(secrets, SECRET, a, silentLog);

    expect(Object.keys((await loadRememberedThresholds(secrets, SECRET, silentLog)) ?? {})).toEqual([arn('www')]);
  });

  it('writes nothing when the memory is unchanged, so versions do not pile up', async () => {
    const secrets = new SecretsManagerClient({});
    const a = run([cert('www', 20)]);
    await rememberThresholds(secrets, SECRET, a, silentLog);
    const before = (await secrets.send(new DescribeSecretCommand({ SecretId: SECRET }))).VersionIdsToStages;

    await rememberThresholds(secrets, SECRET, a, silentLog);

    expect((await secrets.send(new DescribeSecretCommand({ SecretId: SECRET }))).VersionIdsToStages).toEqual(before);
  });
});
