import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { MemoryTooLargeError } from '../../../src/iam/errors';
import { loadRememberedThresholds, MAX_MEMORY_BYTES, rememberThresholds } from '../../../src/iam/threshold-memory';
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

  it('creates the secret on the first run with the threshold of each certificate within one, compactly', async () => {
    smMock.on(GetSecretValueCommand).rejects(notFound());
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
    expect(smMock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    // c is beyond every threshold: nothing to have crossed from, so not kept (missing reads as crossed).
    expect(JSON.parse(input.SecretString!)).toEqual({
      version: 2,
      arnPrefix: 'arn:aws:iam::123456789012:server-certificate',
      certificates: { '/a': [Date.parse('2026-01-01T00:00:00Z') / 1000, -1], '/b': [Date.parse('2026-02-01T00:00:00Z') / 1000, 14] },
    });
    smMock.on(GetSecretValueCommand).resolves({ SecretString: input.SecretString });
    expect(await loadRememberedThresholds(new SecretsManagerClient({}), SECRET, silentLog)).toEqual({
      [arn('/', 'a')]: { expiration: '2026-01-01T00:00:00.000Z', threshold: 'expired' },
      [arn('/', 'b')]: { expiration: '2026-02-01T00:00:00.000Z', threshold: 14 },
    });
  });

  it('reads the first format and replaces only the entries under its path prefix, with a content-derived token so a rerun is a no-op', async () => {
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
    expect(JSON.parse(first!.SecretString!).certificates).toEqual({ '/api/kept': ['y', 3], '/web/new': ['z', 30] });
    expect(second!.ClientRequestToken).toBe(first!.ClientRequestToken);
  });

  it('fits 1,000 certificates, every one within a threshold, in one secret value and reads them back', async () => {
    smMock.on(GetSecretValueCommand).rejects(notFound());
    smMock.on(CreateSecretCommand).resolves({});
    const certificates = Array.from({ length: 1000 }, (_, i) => ({
      arn: arn('/cloudfront/', `keyturn-demo-copy-${String(i).padStart(4, '0')}`),
      expiration: new Date(Date.UTC(2027, 0, 1) + i * 1000).toISOString(),
      daysLeft: i % 30,
      severity: 'notice' as const,
    }));

    await rememberThresholds(new SecretsManagerClient({}), SECRET, { pathPrefix: '/', thresholdsDays: [30, 14, 7, 3, 1], certificates }, silentLog);

    const written = smMock.commandCalls(CreateSecretCommand)[0]!.args[0].input.SecretString!;
    expect(Buffer.byteLength(written)).toBeLessThan(MAX_MEMORY_BYTES);
    smMock.on(GetSecretValueCommand).resolves({ SecretString: written });
    const remembered = await loadRememberedThresholds(new SecretsManagerClient({}), SECRET, silentLog);
    expect(Object.keys(remembered ?? {})).toHaveLength(1000);
    expect(remembered?.[certificates[999]!.arn]).toEqual({ expiration: certificates[999]!.expiration, threshold: 14 });
  });

  it('refuses, naming the size and the limit, a memory that would not fit rather than writing part of it', async () => {
    smMock.on(GetSecretValueCommand).rejects(notFound());
    smMock.on(PutSecretValueCommand).resolves({});
    const certificates = Array.from({ length: 1000 }, (_, i) => ({
      arn: arn('/', `${'x'.repeat(120)}-${String(i).padStart(4, '0')}`),
      expiration: '2027-01-01T00:00:00.000Z',
      daysLeft: 1,
      severity: 'critical' as const,
    }));

    const attempt = rememberThresholds(new SecretsManagerClient({}), SECRET, { pathPrefix: '/', thresholdsDays: [30, 7, 1], certificates }, silentLog);

    await expect(attempt).rejects.toThrow(MemoryTooLargeError);
    await expect(attempt).rejects.toThrow(/over the 65536-byte limit of secret keyturn\/state\/check-iam-cert-expiry/);
    expect(smMock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(smMock.commandCalls(CreateSecretCommand)).toHaveLength(0);
  });

  it('creates the memory without reading it when the check found none, in one call', async () => {
    smMock.on(CreateSecretCommand).resolves({});
    const run = { pathPrefix: '/', thresholdsDays: [30], certificates: [{ arn: arn('/', 'a'), expiration: 'z', daysLeft: 5, severity: 'critical' as const }], memoryFound: false };

    await rememberThresholds(new SecretsManagerClient({}), SECRET, run, silentLog);

    expect(smMock.calls()).toHaveLength(1);
    expect(JSON.parse(smMock.commandCalls(CreateSecretCommand)[0]!.args[0].input.SecretString!).certificates).toEqual({ '/a': ['z', 30] });
  });

  it('keeps what another prefix wrote when the memory appeared after the check found none', async () => {
    smMock.on(CreateSecretCommand).rejects(new ResourceExistsException({ $metadata: { httpStatusCode: 400 }, message: 'exists' }));
    smMock.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ version: 1, certificates: { [arn('/api/', 'kept')]: { expiration: 'y', threshold: 3 } } }),
    });
    smMock.on(PutSecretValueCommand).resolves({});
    const run = { pathPrefix: '/web/', thresholdsDays: [30], certificates: [{ arn: arn('/web/', 'new'), expiration: 'z', daysLeft: 5, severity: 'critical' as const }], memoryFound: false };

    await rememberThresholds(new SecretsManagerClient({}), SECRET, run, silentLog);

    const written = smMock.commandCalls(PutSecretValueCommand)[0]!.args[0].input.SecretString!;
    expect(JSON.parse(written).certificates).toEqual({ '/api/kept': ['y', 3], '/web/new': ['z', 30] });
  });
});
