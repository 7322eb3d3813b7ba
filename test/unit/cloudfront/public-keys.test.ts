import {
  CloudFrontClient,
  CreatePublicKeyCommand,
  DeletePublicKeyCommand,
  GetPublicKeyCommand,
  ListPublicKeysCommand,
  PublicKeyAlreadyExists,
  PublicKeyInUse,
} from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { PublicKeyMismatchError } from '../../../src/cloudfront/errors';
import { generateKeyPair } from '../../../src/cloudfront/key-pair';
import { deleteManagedPublicKey, ensurePublicKey } from '../../../src/cloudfront/public-keys';

const cf = mockClient(CloudFrontClient);
const client = new CloudFrontClient({ region: 'us-east-1' });
const log = { debug() {}, info() {}, warn() {}, error() {} };
const ours = generateKeyPair('ECDSA_P256').publicKey;
const other = generateKeyPair('ECDSA_P256').publicKey;
const spec = { name: 'keyturn-kg-20260101T000000Z', encodedKey: ours, comment: 'keyturn rotation r1', callerReference: 'ref' };
const summary = (id: string, encodedKey: string, comment = 'keyturn rotation r1') => ({
  Id: id,
  Name: spec.name,
  CreatedTime: new Date(),
  EncodedKey: encodedKey,
  Comment: comment,
});

afterEach(() => cf.reset());

describe('ensurePublicKey', () => {
  it('creates the key when no key has its name', async () => {
    cf.on(ListPublicKeysCommand).resolves({ PublicKeyList: { MaxItems: 100, Quantity: 0, Items: [] } });
    cf.on(CreatePublicKeyCommand).resolves({ PublicKey: { Id: 'K1', CreatedTime: new Date(), PublicKeyConfig: undefined } });
    expect(await ensurePublicKey(client, spec, log)).toEqual({ publicKeyId: 'K1', created: true });
  });

  it('finds the key a crashed run already created instead of creating a second', async () => {
    cf.on(ListPublicKeysCommand).resolves({ PublicKeyList: { MaxItems: 100, Quantity: 1, Items: [summary('K1', ours)] } });
    expect(await ensurePublicKey(client, spec, log)).toEqual({ publicKeyId: 'K1', created: false });
    expect(cf.commandCalls(CreatePublicKeyCommand)).toHaveLength(0);
  });

  it('adopts the winner when a concurrent create took the name', async () => {
    cf.on(ListPublicKeysCommand)
      .resolvesOnce({ PublicKeyList: { MaxItems: 100, Quantity: 0, Items: [] } })
      .resolves({ PublicKeyList: { MaxItems: 100, Quantity: 1, Items: [summary('K9', ours)] } });
    cf.on(CreatePublicKeyCommand).rejects(new PublicKeyAlreadyExists({ message: 'taken', $metadata: {} }));
    expect(await ensurePublicKey(client, spec, log)).toEqual({ publicKeyId: 'K9', created: false });
  });

  it('never adopts a key with our name but other key material', async () => {
    cf.on(ListPublicKeysCommand).resolves({ PublicKeyList: { MaxItems: 100, Quantity: 1, Items: [summary('K1', other)] } });
    await expect(ensurePublicKey(client, spec, log)).rejects.toBeInstanceOf(PublicKeyMismatchError);
  });
});

describe('deleteManagedPublicKey', () => {
  const get = (comment: string) => ({ ETag: 'E1', PublicKey: { Id: 'K1', CreatedTime: new Date(), PublicKeyConfig: { Name: 'n', CallerReference: 'r', EncodedKey: ours, Comment: comment } } });

  it('deletes a keyturn key with If-Match', async () => {
    cf.on(GetPublicKeyCommand).resolves(get('keyturn rotation r1'));
    cf.on(DeletePublicKeyCommand).resolves({});
    expect(await deleteManagedPublicKey(client, 'K1', log)).toBe('deleted');
    expect(cf.commandCalls(DeletePublicKeyCommand)[0]?.args[0].input).toEqual({ Id: 'K1', IfMatch: 'E1' });
  });

  it('never deletes a key keyturn did not create', async () => {
    cf.on(GetPublicKeyCommand).resolves(get('made by hand'));
    expect(await deleteManagedPublicKey(client, 'K1', log)).toBe('not-managed');
    expect(cf.commandCalls(DeletePublicKeyCommand)).toHaveLength(0);
  });

  it('leaves a key still in a key group and says so', async () => {
    cf.on(GetPublicKeyCommand).resolves(get('keyturn rotation r1'));
    cf.on(DeletePublicKeyCommand).rejects(new PublicKeyInUse({ message: 'in use', $metadata: {} }));
    expect(await deleteManagedPublicKey(client, 'K1', log)).toBe('in-use');
  });
});
