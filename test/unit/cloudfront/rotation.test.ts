import {
  CloudFrontClient,
  CreatePublicKeyCommand,
  GetKeyGroupCommand,
  ListPublicKeysCommand,
  PreconditionFailed,
  UpdateKeyGroupCommand,
} from '@aws-sdk/client-cloudfront';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../../src/cloudfront/key-pair';
import {
  addNewKeyToGroup,
  checkRotationDue,
  createNewPublicKey,
  ensureRoom,
  promoteNewKey,
  rotationVersions,
  storePendingKey,
  type RotationDeps,
} from '../../../src/cloudfront/rotation';
import type { RotationConfig } from '../../../src/cloudfront/rotation-config';
import { QuotaExceededError, RotationInProgressError } from '../../../src/errors';

const cf = mockClient(CloudFrontClient);
const sm = mockClient(SecretsManagerClient);
const deps: RotationDeps = {
  cloudFront: new CloudFrontClient({ region: 'us-east-1' }),
  secrets: new SecretsManagerClient({ region: 'us-east-1' }),
  log: { debug() {}, info() {}, warn() {}, error() {} },
  now: () => new Date('2026-06-01T00:00:00Z'),
  fetch: async () => ({ status: 200 }),
};
const config: RotationConfig = {
  keyGroupId: 'kg',
  secretId: 'keyturn/cf',
  dryRun: false,
  graceSeconds: 60,
  maxKeyAgeDays: 90,
  force: false,
  algorithm: 'ECDSA_P256',
  rotationId: 'exec-1',
};
const notFound = () => new ResourceNotFoundException({ message: 'no', $metadata: {} });
const knownGroup = (publicKeyIds: string[]) => ({ id: 'kg', name: 'kg', publicKeyIds, etag: 'E1' });
const group = (items: string[]) => ({ ETag: 'E1', KeyGroup: { Id: 'kg', LastModifiedTime: new Date(), KeyGroupConfig: { Name: 'kg', Items: items } } });
const key = (publicKeyId: string, createdAt: string) =>
  JSON.stringify({ publicKeyId, privateKey: 'PEM', keyGroupId: 'kg', algorithm: 'RSA_2048', createdAt });

afterEach(() => {
  cf.reset();
  sm.reset();
});

describe('checkRotationDue', () => {
  it('is not due while the current key is younger than maxKeyAgeDays', async () => {
    cf.on(GetKeyGroupCommand).resolves(group(['K1']));
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { v1: ['AWSCURRENT'] } });
    sm.on(GetSecretValueCommand, { VersionId: 'v1' }).resolves({ SecretString: key('K1', '2026-05-01T00:00:00.000Z') });
    const out = await checkRotationDue(deps, config);
    expect(out).toMatchObject({ due: false, phase: 'none', reason: expect.stringMatching(/31 days old/) });
  });

  it('is due when the key is old enough, or when forced; the old key is the current one', async () => {
    cf.on(GetKeyGroupCommand).resolves(group(['K1']));
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { v1: ['AWSCURRENT'] } });
    sm.on(GetSecretValueCommand, { VersionId: 'v1' }).resolves({ SecretString: key('K1', '2026-01-01T00:00:00.000Z') });
    expect(await checkRotationDue(deps, config)).toMatchObject({ due: true, phase: 'rotate', oldKey: { publicKeyId: 'K1', versionId: 'v1' } });
    sm.on(GetSecretValueCommand, { VersionId: 'v1' }).resolves({ SecretString: key('K1', '2026-05-31T00:00:00.000Z') });
    expect(await checkRotationDue(deps, { ...config, force: true })).toMatchObject({ due: true, reason: expect.stringMatching(/forced/) });
  });

  it('treats a missing secret as the first rotation, with no key of ours to retire', async () => {
    cf.on(GetKeyGroupCommand).resolves(group(['HANDMADE']));
    sm.on(DescribeSecretCommand).rejects(notFound());
    expect(await checkRotationDue(deps, config)).toMatchObject({ due: true, firstRotation: true, oldKey: null });
  });

  it('reports rotation in progress when another execution holds AWSPENDING', async () => {
    cf.on(GetKeyGroupCommand).resolves(group(['K1']));
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { v1: ['AWSCURRENT'], other: ['AWSPENDING'] } });
    await expect(checkRotationDue(deps, config)).rejects.toBeInstanceOf(RotationInProgressError);
  });

  it('resumes at retirement when this rotation already promoted its key', async () => {
    const mine = rotationVersions('exec-1').recorded;
    cf.on(GetKeyGroupCommand).resolves(group(['K1', 'K2']));
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { [mine]: ['AWSCURRENT'], v1: ['AWSPREVIOUS'] } });
    sm.on(GetSecretValueCommand, { VersionId: 'v1' }).resolves({ SecretString: key('K1', '2026-01-01T00:00:00.000Z') });
    sm.on(GetSecretValueCommand, { VersionId: mine }).resolves({ SecretString: key('K2', '2026-06-01T00:00:00.000Z') });
    expect(await checkRotationDue(deps, config)).toMatchObject({
      phase: 'retire',
      oldKey: { publicKeyId: 'K1', versionId: 'v1' },
      current: { publicKeyId: 'K2', versionId: mine },
    });
  });
});

describe('ensureRoom', () => {
  it('fails with QuotaExceededError before anything is created when the group holds 5 keys', async () => {
    sm.on(GetSecretValueCommand).rejects(notFound());
    await expect(ensureRoom(deps, config, { keyGroup: knownGroup(['1', '2', '3', '4', '5']), resuming: true })).rejects.toBeInstanceOf(QuotaExceededError);
    expect(cf.commandCalls(CreatePublicKeyCommand)).toHaveLength(0);
    expect(cf.commandCalls(UpdateKeyGroupCommand)).toHaveLength(0);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('counts the account quota of 10 public keys too, from the group step 1 read', async () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ Id: `K${i}`, Name: `n${i}`, CreatedTime: new Date(), EncodedKey: 'x' }));
    cf.on(ListPublicKeysCommand).resolves({ PublicKeyList: { MaxItems: 100, Quantity: 10, Items: items } });
    await expect(ensureRoom(deps, config, { keyGroup: knownGroup(['1']), resuming: false })).rejects.toBeInstanceOf(QuotaExceededError);
    // A fresh attempt looks for no key of its own, and the group is not read again.
    expect(cf.commandCalls(GetKeyGroupCommand)).toHaveLength(0);
    expect(sm.calls()).toHaveLength(0);
  });
});

describe('storePendingKey', () => {
  it('stores the private key as AWSPENDING and returns only ids and the public half', async () => {
    const versionId = rotationVersions('exec-1').generated;
    const stored: string[] = [];
    sm.on(GetSecretValueCommand).callsFake((input: { VersionId?: string }) => {
      if (input.VersionId === versionId && stored[0]) return { SecretString: stored[0] };
      throw notFound();
    });
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: {} });
    sm.on(PutSecretValueCommand).callsFake((input: { SecretString: string }) => {
      stored.push(input.SecretString);
      return { VersionId: versionId, VersionStages: ['AWSPENDING'] };
    });
    const out = await storePendingKey(deps, config, { secretHasVersion: true, resuming: true });
    expect(out).toEqual({ pendingVersionId: versionId, createdAt: '2026-06-01T00:00:00.000Z', publicKey: expect.stringContaining('BEGIN PUBLIC KEY') });
    expect(JSON.stringify(out)).not.toContain('PRIVATE KEY');
    expect(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toMatchObject({ ClientRequestToken: versionId, VersionStages: ['AWSPENDING'] });
    expect(JSON.parse(stored[0] ?? '{}')).toMatchObject({ publicKeyId: null, privateKey: expect.stringContaining('PRIVATE KEY') });
  });

  it('does not generate a second key when the version exists (rerun)', async () => {
    const versionId = rotationVersions('exec-1').generated;
    sm.on(GetSecretValueCommand, { VersionId: versionId }).resolves({
      SecretString: JSON.stringify({ publicKeyId: null, privateKey: generateKeyPair('ECDSA_P256').privateKey, keyGroupId: 'kg', algorithm: 'ECDSA_P256', createdAt: '2026-05-31T00:00:00.000Z' }),
    });
    expect(await storePendingKey(deps, config, { secretHasVersion: true, resuming: true })).toEqual({ pendingVersionId: versionId, createdAt: '2026-05-31T00:00:00.000Z', publicKey: expect.stringContaining('BEGIN PUBLIC KEY') });
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('on a fresh first rotation creates the secret, stores the key and confirms the lock, reading nothing else', async () => {
    sm.on(CreateSecretCommand).resolves({});
    sm.on(PutSecretValueCommand).resolves({});
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { [rotationVersions('exec-1').generated]: ['AWSPENDING'] } });

    await storePendingKey(deps, config, { secretHasVersion: false, resuming: false });

    expect(sm.calls().map((c) => c.args[0].constructor.name)).toEqual(['CreateSecretCommand', 'PutSecretValueCommand', 'DescribeSecretCommand']);
  });

  it('stops when another run took AWSPENDING after its write (two runs started together)', async () => {
    sm.on(PutSecretValueCommand).resolves({});
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { 'keyturn-key-other': ['AWSPENDING'] } });
    await expect(storePendingKey(deps, config, { secretHasVersion: true, resuming: false })).rejects.toBeInstanceOf(RotationInProgressError);
  });
});

describe('createNewPublicKey', () => {
  it('creates the key from the public half step 3 returned, without reading the secret or listing keys first', async () => {
    cf.on(CreatePublicKeyCommand).resolves({ PublicKey: { Id: 'K2', CreatedTime: new Date(), PublicKeyConfig: { Name: 'n', CallerReference: 'c', EncodedKey: 'x' } } });
    const { publicKey } = generateKeyPair('ECDSA_P256');

    const out = await createNewPublicKey(deps, config, { publicKey, createdAt: '2026-06-01T00:00:00.000Z', resuming: false });

    expect(out.publicKeyId).toBe('K2');
    expect(cf.commandCalls(CreatePublicKeyCommand)[0]?.args[0].input.PublicKeyConfig?.EncodedKey).toBe(publicKey);
    expect(cf.calls()).toHaveLength(1);
    expect(sm.calls()).toHaveLength(0);
  });
});

describe('addNewKeyToGroup', () => {
  it('writes from the group step 1 read (If-Match its ETag), and re-reads only when someone wrote since', async () => {
    const known = { id: 'kg', name: 'kg', publicKeyIds: ['K1'], etag: 'E0' };
    cf.on(UpdateKeyGroupCommand, { IfMatch: 'E0' }).rejects(new PreconditionFailed({ message: 'stale', $metadata: {} }));
    cf.on(GetKeyGroupCommand).resolves(group(['K1', 'H1']));
    cf.on(UpdateKeyGroupCommand, { IfMatch: 'E1' }).resolves({ ETag: 'E2' });

    const out = await addNewKeyToGroup({ ...deps, backoff: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0, sleep: async () => {}, random: () => 0 } }, config, 'K2', { keyGroup: known });

    expect(out).toMatchObject({ changed: true, attempts: 2, keyCount: 3 });
    expect(cf.commandCalls(UpdateKeyGroupCommand).map((c) => c.args[0].input.IfMatch)).toEqual(['E0', 'E1']);
    expect(cf.commandCalls(UpdateKeyGroupCommand)[1]?.args[0].input.KeyGroupConfig?.Items).toEqual(['K1', 'H1', 'K2']);
  });
});

describe('promoteNewKey', () => {
  it('does not move AWSCURRENT when another rotation holds AWSPENDING by then', async () => {
    const recorded = rotationVersions('exec-1').recorded;
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { [recorded]: [], 'keyturn-recorded-other': ['AWSPENDING'], v1: ['AWSCURRENT'] } });
    await expect(promoteNewKey(deps, config, recorded, 'K2')).rejects.toBeInstanceOf(RotationInProgressError);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });
});
