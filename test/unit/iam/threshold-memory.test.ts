import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { loadRememberedThresholds, rememberThresholds } from '../../../src/iam/threshold-memory';
import { silentLog } from './fakes';

const smMock = mockClient(SecretsManagerClient);
afterEach(() => smMock.reset());

const notFound = () => new ResourceNotFoundException({ $metadata: { httpStatusCode: 400 }, message: 'not found' });
const arn = (path: string, name: string) => `arn:aws:iam::123456789012:server-certificate${path}${name}`;
const SECRET = 'keyturn/state/check-iam-cert-expiry';

describe('threshold memory', () => {
  it('is null before the first recorded run', async () => {
    smMock.on(GetSecretValueCommand).rejects(notFound());
    expect(await loadRememberedThresholds(new SecretsManagerClient({}), SECRET, silentLog)).toBeNull();
  });

  it('treats an unreadable memory as a first run rather than withholding the digest', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: '{"something":"else"}' });
    expect(await loadRememberedThresholds(new SecretsManagerClient({}), SECRET, silentLog)).toBeNull();
  });

  it('creates the secret on the first run with the threshold each certificate is within', async () => {
    smMock.on(GetSecretValueCommand).rejects(notFound());
    smMock.on(PutSecretValueCommand).rejects(notFound());
    smMock.on(CreateSecretCommand).resolves({});

    await rememberThresholds(
      new SecretsManagerClient({}),
      SECRET,
      {
        pathPrefix: '/',
        thresholdsDays: [30, 14, 7, 3, 1],
        certificates: [
          { arn: arn('/', 'a'), expiration: '2026-01-01T00:00:00.000Z', daysLeft: -2, severity: 'expired' },
          { arn: arn('/', 'b'), expiration: '2026-02-01T00:00:00.000Z', daysLeft: 10, severity: 'notice' },
          { arn: arn('/', 'c'), expiration: '2027-02-01T00:00:00.000Z', daysLeft: 300, severity: 'ok' },
        ],
      },
      silentLog,
    );

    const input = smMock.commandCalls(CreateSecretCommand)[0]!.args[0].input;
    expect(input.Name).toBe(SECRET);
    expect(JSON.parse(input.SecretString!)).toEqual({
      version: 1,
      certificates: {
        [arn('/', 'a')]: { expiration: '2026-01-01T00:00:00.000Z', threshold: 'expired' },
        [arn('/', 'b')]: { expiration: '2026-02-01T00:00:00.000Z', threshold: 14 },
        [arn('/', 'c')]: { expiration: '2027-02-01T00:00:00.000Z', threshold: null },
      },
    });
  });

  it('replaces only the entries under its path prefix, with a content-derived token so a rerun is a no-op', async () => {
    smMock.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        version: 1,
        certificates: {
          [arn('/web/', 'gone')]: { expiration: 'x', threshold: 7 },
          [arn('/api/', 'kept')]: { expiration: 'y', threshold: 3 },
        },
      }),
    });
    smMock.on(PutSecretValueCommand).resolves({});

    const run = { pathPrefix: '/web/', thresholdsDays: [30], certificates: [{ arn: arn('/web/', 'new'), expiration: 'z', daysLeft: 5, severity: 'critical' as const }] };
    await rememberThresholds(new SecretsManagerClient({}), SECRET, run, silentLog);
    await rememberThresholds(new SecretsManagerClient({}), SECRET, run, silentLog);

    const [first, second] = smMock.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input);
    expect(JSON.parse(first!.SecretString!).certificates).toEqual({
      [arn('/api/', 'kept')]: { expiration: 'y', threshold: 3 },
      [arn('/web/', 'new')]: { expiration: 'z', threshold: 30 },
    });
    expect(second!.ClientRequestToken).toBe(first!.ClientRequestToken);
  });
});
