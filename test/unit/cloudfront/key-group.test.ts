import { CloudFrontClient, GetKeyGroupCommand, NoSuchResource, PreconditionFailed, UpdateKeyGroupCommand } from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { QuotaExceededError, UnsafeStateError } from '../../../src/errors';
import { KeyGroupNotFoundError, KeyGroupUpdateConflictError } from '../../../src/cloudfront/errors';
import { applyKeyGroupDelta, type Backoff } from '../../../src/cloudfront/key-group';

const cf = mockClient(CloudFrontClient);
const client = new CloudFrontClient({ region: 'us-east-1' });
const log = { debug() {}, info() {}, warn() {}, error() {} };
const sleeps: number[] = [];
const backoff: Backoff = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 };
const group = (items: string[], etag: string) => ({
  ETag: etag,
  KeyGroup: { Id: 'kg', LastModifiedTime: new Date(), KeyGroupConfig: { Name: 'kg', Items: items, Comment: 'c' } },
});
const stale = () => new PreconditionFailed({ message: 'stale', $metadata: {} });

afterEach(() => {
  cf.reset();
  sleeps.length = 0;
});

describe('applyKeyGroupDelta', () => {
  it('writes the whole config with If-Match, adding our key beside the others', async () => {
    cf.on(GetKeyGroupCommand).resolves(group(['A'], 'E1'));
    cf.on(UpdateKeyGroupCommand).resolves({});
    const out = await applyKeyGroupDelta(client, 'kg', { add: 'NEW' }, { log, backoff });
    expect(out).toMatchObject({ changed: true, attempts: 1, publicKeyIds: ['A', 'NEW'] });
    expect(cf.commandCalls(UpdateKeyGroupCommand)[0]?.args[0].input).toEqual({
      Id: 'kg',
      IfMatch: 'E1',
      KeyGroupConfig: { Name: 'kg', Items: ['A', 'NEW'], Comment: 'c' },
    });
  });

  it('keeps a key someone else added while we were writing (re-reads and re-applies only our delta)', async () => {
    cf.on(GetKeyGroupCommand).resolvesOnce(group(['A'], 'E1')).resolves(group(['A', 'THEIRS'], 'E2'));
    cf.on(UpdateKeyGroupCommand).rejectsOnce(stale()).resolves({});
    const out = await applyKeyGroupDelta(client, 'kg', { add: 'NEW' }, { log, backoff });
    expect(out.attempts).toBe(2);
    expect(cf.commandCalls(UpdateKeyGroupCommand)[1]?.args[0].input).toMatchObject({ IfMatch: 'E2', KeyGroupConfig: { Items: ['A', 'THEIRS', 'NEW'] } });
    expect(sleeps).toEqual([50]);
  });

  it('gives up with KeyGroupUpdateConflictError after the bounded attempts, with jittered backoff', async () => {
    cf.on(GetKeyGroupCommand).resolves(group(['A'], 'E1'));
    cf.on(UpdateKeyGroupCommand).rejects(stale());
    await expect(applyKeyGroupDelta(client, 'kg', { add: 'NEW' }, { log, backoff })).rejects.toBeInstanceOf(KeyGroupUpdateConflictError);
    expect(cf.commandCalls(UpdateKeyGroupCommand)).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]);
  });

  it('writes nothing when the delta is already applied (idempotent)', async () => {
    cf.on(GetKeyGroupCommand).resolves(group(['A', 'NEW'], 'E1'));
    expect((await applyKeyGroupDelta(client, 'kg', { add: 'NEW' }, { log, backoff })).changed).toBe(false);
    cf.on(GetKeyGroupCommand).resolves(group(['A'], 'E1'));
    expect((await applyKeyGroupDelta(client, 'kg', { remove: 'OLD' }, { log, backoff })).changed).toBe(false);
    expect(cf.commandCalls(UpdateKeyGroupCommand)).toHaveLength(0);
  });

  it('refuses to exceed 5 keys or to empty the group', async () => {
    cf.on(GetKeyGroupCommand).resolves(group(['1', '2', '3', '4', '5'], 'E1'));
    await expect(applyKeyGroupDelta(client, 'kg', { add: 'NEW' }, { log, backoff })).rejects.toBeInstanceOf(QuotaExceededError);
    cf.on(GetKeyGroupCommand).resolves(group(['ONLY'], 'E1'));
    await expect(applyKeyGroupDelta(client, 'kg', { remove: 'ONLY' }, { log, backoff })).rejects.toBeInstanceOf(UnsafeStateError);
    expect(cf.commandCalls(UpdateKeyGroupCommand)).toHaveLength(0);
  });

  it('translates NoSuchResource into KeyGroupNotFoundError', async () => {
    cf.on(GetKeyGroupCommand).rejects(new NoSuchResource({ message: 'no', $metadata: {} }));
    await expect(applyKeyGroupDelta(client, 'kg', { add: 'X' }, { log, backoff })).rejects.toBeInstanceOf(KeyGroupNotFoundError);
  });
});
