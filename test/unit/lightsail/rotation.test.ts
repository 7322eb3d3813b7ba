import {
  CreateBucketAccessKeyCommand,
  DeleteBucketAccessKeyCommand,
  GetBucketAccessKeysCommand,
  LightsailClient,
} from '@aws-sdk/client-lightsail';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../../../src/errors';
import { createAndStoreKey, makeRoom, pendingVersionIdOf, promoteNewKey, retireOldKey, type RotationDeps } from '../../../src/lightsail/rotation';
import { parseRotationInput, type RotationConfig } from '../../../src/lightsail/rotation-config';

const lightsail = mockClient(LightsailClient);
const sm = mockClient(SecretsManagerClient);
const log = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const NOW = new Date('2026-03-01T12:00:00Z');
const deps: RotationDeps = {
  lightsail: new LightsailClient({}),
  secrets: new SecretsManagerClient({}),
  s3For: () => {
    throw new Error('not used');
  },
  region: 'us-east-1',
  log,
  now: () => NOW,
};
const config: RotationConfig = { bucketName: 'media', secretId: 'keyturn/media', maxKeyAgeDays: 90, force: false, dryRun: false, graceSeconds: 60, rotationId: 'exec-1' };
const PENDING = pendingVersionIdOf('exec-1');
const notFound = () => new ResourceNotFoundException({ message: 'no such version', $metadata: {} });

const CURRENT_KEY = 'AKIACURRENT000000000';
const SPARE_KEY = 'AKIASPARE00000000000';
const value = (accessKeyId: string) => JSON.stringify({ accessKeyId, secretAccessKey: `secret-of-${accessKeyId}`, bucketName: 'media', region: 'us-east-1' });
const bucketKey = (accessKeyId: string, createdAt: string, lastUsedDate?: string) => ({
  accessKeyId,
  status: 'Active' as const,
  createdAt: new Date(createdAt),
  lastUsed: lastUsedDate ? { lastUsedDate: new Date(lastUsedDate), region: 'us-east-1', serviceName: 's3' } : { region: 'N/A', serviceName: 'N/A' },
});

/** A secret whose AWSCURRENT holds CURRENT_KEY (version v-cur), optionally with a promotion record. */
function secretWithCurrent(promotedAt?: string) {
  sm.on(DescribeSecretCommand).resolves({
    VersionIdsToStages: { 'v-cur': ['AWSCURRENT'], 'v-prev': ['AWSPREVIOUS'] },
    Tags: promotedAt ? [{ Key: 'keyturn:promoted-version', Value: 'v-cur' }, { Key: 'keyturn:promoted-at', Value: promotedAt }] : [],
  });
  sm.on(GetSecretValueCommand).rejects(notFound());
  sm.on(GetSecretValueCommand, { VersionId: 'v-cur' }).resolves({ SecretString: value(CURRENT_KEY) });
  sm.on(GetSecretValueCommand, { VersionId: 'v-prev' }).resolves({ SecretString: value(SPARE_KEY) });
}

afterEach(() => {
  lightsail.reset();
  sm.reset();
  vi.clearAllMocks();
});

describe('parseRotationInput', () => {
  it('applies the documented defaults and takes the rotation id from the execution', () => {
    expect(parseRotationInput({ bucketName: 'media', secretId: 'keyturn/media' }, 'exec-9')).toEqual({
      bucketName: 'media',
      secretId: 'keyturn/media',
      maxKeyAgeDays: 90,
      force: false,
      dryRun: false,
      graceSeconds: 86_400,
      rotationId: 'exec-9',
    });
  });

  it('names the field and the rule, never the value', () => {
    const error = (() => {
      try {
        parseRotationInput({ bucketName: 'Media_Bucket', secretId: 'keyturn/media' }, 'e');
      } catch (e) {
        return e;
      }
    })() as InvalidInputError;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.field).toBe('bucketName');
    expect(error.message).not.toContain('Media_Bucket');
  });
});

describe('makeRoom', () => {
  it('does nothing while the bucket has a free slot', async () => {
    lightsail.on(GetBucketAccessKeysCommand).resolves({ accessKeys: [bucketKey(CURRENT_KEY, '2025-01-01T00:00:00Z')] });

    await expect(makeRoom(deps, config)).resolves.toEqual({ keyCount: 1, deletedAccessKeyId: null });
    expect(lightsail.commandCalls(DeleteBucketAccessKeyCommand)).toHaveLength(0);
  });

  it('deletes the spare key when it shows no use since its retirement (the recorded promotion)', async () => {
    lightsail.on(GetBucketAccessKeysCommand).resolves({
      accessKeys: [bucketKey(SPARE_KEY, '2024-01-01T00:00:00Z', '2025-05-31T23:00:00Z'), bucketKey(CURRENT_KEY, '2025-05-01T00:00:00Z', '2026-02-01T00:00:00Z')],
    });
    secretWithCurrent('2025-06-01T00:00:00Z');
    lightsail.on(DeleteBucketAccessKeyCommand).resolves({});

    await expect(makeRoom(deps, config)).resolves.toEqual({ keyCount: 1, deletedAccessKeyId: SPARE_KEY });
    expect(lightsail.commandCalls(DeleteBucketAccessKeyCommand).map((c) => c.args[0].input.accessKeyId)).toEqual([SPARE_KEY]);
  });

  it('refuses, naming the spare key and its last use, when it was used after its retirement; never touches the current key', async () => {
    lightsail.on(GetBucketAccessKeysCommand).resolves({
      accessKeys: [bucketKey(SPARE_KEY, '2024-01-01T00:00:00Z', '2026-02-20T08:00:00Z'), bucketKey(CURRENT_KEY, '2025-05-01T00:00:00Z')],
    });
    secretWithCurrent('2025-06-01T00:00:00Z');

    const failure = makeRoom(deps, config);

    await expect(failure).rejects.toMatchObject({ name: 'SpareKeyInUseError', accessKeyId: SPARE_KEY });
    await expect(failure).rejects.toThrow(/last used 2026-02-20T08:00:00.000Z \(s3 in us-east-1\)/);
    expect(lightsail.commandCalls(DeleteBucketAccessKeyCommand)).toHaveLength(0);
  });

  it('without a promotion record, counts the retirement from the current key’s creation (the stricter time)', async () => {
    lightsail.on(GetBucketAccessKeysCommand).resolves({
      accessKeys: [bucketKey(SPARE_KEY, '2024-01-01T00:00:00Z', '2025-05-02T00:00:00Z'), bucketKey(CURRENT_KEY, '2025-05-01T00:00:00Z')],
    });
    secretWithCurrent();

    await expect(makeRoom(deps, config)).rejects.toMatchObject({ name: 'SpareKeyInUseError' });
  });
});

describe('createAndStoreKey', () => {
  function freshRotation() {
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { 'v-cur': ['AWSCURRENT'] } });
    sm.on(GetSecretValueCommand).rejects(notFound());
    sm.on(CreateSecretCommand).resolves({});
    lightsail.on(GetBucketAccessKeysCommand).resolves({ accessKeys: [bucketKey(CURRENT_KEY, '2025-01-01T00:00:00Z')] });
    lightsail
      .on(CreateBucketAccessKeyCommand)
      .resolves({ accessKey: { accessKeyId: 'AKIANEW0000000000000', secretAccessKey: 'the-new-secret', createdAt: NOW } });
  }

  it('stores the secret as AWSPENDING with the rotation’s token and returns ids only', async () => {
    freshRotation();
    sm.on(PutSecretValueCommand).resolves({});
    sm.on(GetSecretValueCommand, { VersionId: PENDING }).rejectsOnce(notFound()).resolves({ SecretString: value('AKIANEW0000000000000') });

    const out = await createAndStoreKey(deps, config);

    expect(out).toEqual({ accessKeyId: 'AKIANEW0000000000000', pendingVersionId: PENDING });
    expect(JSON.stringify(out)).not.toContain('the-new-secret');
    const put = sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ ClientRequestToken: PENDING, VersionStages: ['AWSPENDING'] });
    expect(JSON.parse(put.SecretString!)).toMatchObject({ accessKeyId: 'AKIANEW0000000000000', secretAccessKey: 'the-new-secret', bucketName: 'media' });
  });

  it('deletes the new key before failing when its secret cannot be stored', async () => {
    freshRotation();
    sm.on(PutSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    lightsail.on(DeleteBucketAccessKeyCommand).resolves({});

    await expect(createAndStoreKey(deps, config)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(lightsail.commandCalls(DeleteBucketAccessKeyCommand).map((c) => c.args[0].input.accessKeyId)).toEqual(['AKIANEW0000000000000']);
  });

  it('names the orphaned key when deleting it fails too', async () => {
    freshRotation();
    sm.on(PutSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    lightsail.on(DeleteBucketAccessKeyCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const failure = createAndStoreKey(deps, config);

    await expect(failure).rejects.toMatchObject({ name: 'OrphanedAccessKeyError', accessKeyId: 'AKIANEW0000000000000' });
    await expect(failure).rejects.not.toThrow(/the-new-secret/);
  });

  it('keeps the key when the secret landed despite the error (read back)', async () => {
    freshRotation();
    sm.on(PutSecretValueCommand).rejects(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
    sm.on(GetSecretValueCommand, { VersionId: PENDING }).rejectsOnce(notFound()).resolves({ SecretString: value('AKIANEW0000000000000') });

    await expect(createAndStoreKey(deps, config)).resolves.toEqual({ accessKeyId: 'AKIANEW0000000000000', pendingVersionId: PENDING });
    expect(lightsail.commandCalls(DeleteBucketAccessKeyCommand)).toHaveLength(0);
  });

  it('creates nothing on a rerun that finds its pending key already stored and on the bucket', async () => {
    sm.on(GetSecretValueCommand, { VersionId: PENDING }).resolves({ SecretString: value('AKIANEW0000000000000') });
    lightsail.on(GetBucketAccessKeysCommand).resolves({ accessKeys: [bucketKey(CURRENT_KEY, '2025-01-01T00:00:00Z'), bucketKey('AKIANEW0000000000000', '2026-03-01T00:00:00Z')] });

    await expect(createAndStoreKey(deps, config)).resolves.toEqual({ accessKeyId: 'AKIANEW0000000000000', pendingVersionId: PENDING });
    expect(lightsail.commandCalls(CreateBucketAccessKeyCommand)).toHaveLength(0);
  });
});

describe('promoteNewKey', () => {
  it('records the promotion time before moving AWSCURRENT', async () => {
    sm.on(GetSecretValueCommand, { VersionId: PENDING }).resolves({ SecretString: value('AKIANEW0000000000000') });
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { 'v-cur': ['AWSCURRENT'], [PENDING]: ['AWSPENDING'] }, Tags: [] });
    sm.on(TagResourceCommand).resolves({});
    sm.on(UpdateSecretVersionStageCommand).resolves({});

    const out = await promoteNewKey(deps, config, PENDING);

    expect(out).toEqual({ accessKeyId: 'AKIANEW0000000000000', currentVersionId: PENDING, previousVersionId: 'v-cur', promotedAt: NOW.toISOString() });
    const order = sm.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('TagResourceCommand')).toBeLessThan(order.indexOf('UpdateSecretVersionStageCommand'));
  });
});

describe('retireOldKey', () => {
  const promotedAt = '2026-03-01T10:00:00Z';
  function world(oldLastUsed?: string) {
    secretWithCurrent(promotedAt);
    lightsail.on(GetBucketAccessKeysCommand).resolves({
      accessKeys: [bucketKey(SPARE_KEY, '2025-01-01T00:00:00Z', oldLastUsed), bucketKey(CURRENT_KEY, '2026-03-01T09:00:00Z')],
    });
    lightsail.on(DeleteBucketAccessKeyCommand).resolves({});
  }

  it('deletes the old key when its last use is not later than the promotion', async () => {
    world('2026-03-01T09:59:59Z');

    await expect(retireOldKey(deps, config, SPARE_KEY)).resolves.toMatchObject({ outcome: 'deleted', oldAccessKeyId: SPARE_KEY });
  });

  it('keeps the old key and reports where it was last used when something used it after the promotion', async () => {
    world('2026-03-01T11:30:00Z');

    await expect(retireOldKey(deps, config, SPARE_KEY)).resolves.toEqual({
      oldAccessKeyId: SPARE_KEY,
      outcome: 'kept-in-use',
      lastUse: { date: '2026-03-01T11:30:00.000Z', region: 'us-east-1', serviceName: 's3' },
      promotedAt,
    });
    expect(lightsail.commandCalls(DeleteBucketAccessKeyCommand)).toHaveLength(0);
  });

  it('never deletes the AWSCURRENT key', async () => {
    world();

    await expect(retireOldKey(deps, config, CURRENT_KEY)).rejects.toMatchObject({ name: 'UnsafeStateError' });
    expect(lightsail.commandCalls(DeleteBucketAccessKeyCommand)).toHaveLength(0);
  });
});
