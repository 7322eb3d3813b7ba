/**
 * Contract tests of the simulated CloudFront (aws-facts.md "CloudFront") through the real
 * `@aws-sdk/client-cloudfront`, plus the signed-URL probe with URLs from
 * `@aws-sdk/cloudfront-signer`.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CloudFrontClient,
  CreateKeyGroupCommand,
  CreatePublicKeyCommand,
  DeleteKeyGroupCommand,
  DeletePublicKeyCommand,
  GetKeyGroupCommand,
  GetKeyGroupConfigCommand,
  GetPublicKeyCommand,
  GetPublicKeyConfigCommand,
  ListKeyGroupsCommand,
  ListPublicKeysCommand,
  UpdateKeyGroupCommand,
  UpdatePublicKeyCommand,
  paginateListPublicKeys,
} from '@aws-sdk/client-cloudfront';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { documented } from '../support/sdk-docs';
import { useSimulator } from '../support/sim';

interface KeyPair {
  publicPem: string;
  privatePem: string;
}

function pems(pair: { publicKey: KeyObject; privateKey: KeyObject }): KeyPair {
  return {
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

// Generated once: RSA 2048 generation is the slow part of this file.
const rsa = pems(generateKeyPairSync('rsa', { modulusLength: 2048 }));
const rsaOther = pems(generateKeyPairSync('rsa', { modulusLength: 2048 }));
const ec = pems(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }));

const ETAG = /^E[A-Z0-9]{13}$/;
const PUBLIC_KEY_ID = /^K[A-Z0-9]{13}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type SdkError = Error & { $metadata: { httpStatusCode?: number }; Message?: string };

async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

const sim = useSimulator();
let client: CloudFrontClient;
beforeAll(() => {
  client = new CloudFrontClient({ region: 'us-east-1' });
});

async function createKey(name: string, encodedKey = rsa.publicPem, comment?: string) {
  const out = await client.send(
    new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: `ref-${name.slice(0, 60)}`, Name: name, EncodedKey: encodedKey, Comment: comment } }),
  );
  return { id: out.PublicKey!.Id!, etag: out.ETag!, out };
}

async function createGroup(name: string, items: string[], comment?: string) {
  const out = await client.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: name, Items: items, Comment: comment } }));
  return { id: out.KeyGroup!.Id!, etag: out.ETag!, out };
}

async function groupItems(id: string): Promise<string[]> {
  const out = await client.send(new GetKeyGroupConfigCommand({ Id: id }));
  return out.KeyGroupConfig!.Items!;
}

/** A client whose request body is replaced (before signing) and whose raw response bodies are kept. */
function rawClient(body?: string): { client: CloudFrontClient; bodies: string[] } {
  const c = new CloudFrontClient({ region: 'us-east-1', maxAttempts: 1 });
  const bodies: string[] = [];
  if (body !== undefined) {
    c.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { body: unknown; headers: Record<string, string> }).body = body;
        (args.request as { headers: Record<string, string> }).headers['content-length'] = String(Buffer.byteLength(body));
        return next(args);
      },
      { step: 'build', name: 'replaceBody' },
    );
  }
  c.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { body: AsyncIterable<Buffer> };
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
      const text = Buffer.concat(chunks).toString('utf8');
      bodies.push(text);
      (result.response as { body: unknown }).body = Readable.from([Buffer.from(text)]);
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'keepRawBody' },
  );
  return { client: c, bodies };
}

async function simNowSeconds(): Promise<number> {
  const { now } = await sim.admin<{ now: string }>('GET', '/_sim/clock');
  return Math.floor(Date.parse(now) / 1000);
}

describe('CloudFront public keys', () => {
  it('creates a public key: 201 with Location, an ETag and a K-prefixed id', async () => {
    const { out } = await createKey('signer-2025', rsa.publicPem, 'first');
    expect(out.$metadata.httpStatusCode).toBe(201);
    expect(out.ETag).toMatch(ETAG);
    expect(out.PublicKey?.Id).toMatch(PUBLIC_KEY_ID);
    expect(out.Location).toBe(`${sim.url}/2020-05-31/public-key/${out.PublicKey?.Id}`);
    expect(out.PublicKey?.PublicKeyConfig).toEqual({ CallerReference: 'ref-signer-2025', Name: 'signer-2025', EncodedKey: rsa.publicPem, Comment: 'first' });
  });

  it('stamps CreatedTime with the simulator clock', async () => {
    await sim.admin('POST', '/_sim/clock', { offsetSeconds: 86_400 });
    const simNow = (await simNowSeconds()) * 1000;
    const { out } = await createKey('clocked');
    expect(Math.abs(out.PublicKey!.CreatedTime!.getTime() - simNow)).toBeLessThan(5_000);
  });

  it('accepts an ECDSA P-256 public key', async () => {
    const { out } = await createKey('ec-key', ec.publicPem);
    expect(out.PublicKey?.PublicKeyConfig?.EncodedKey).toBe(ec.publicPem);
  });

  it('rejects an EncodedKey that is not a PEM public key as InvalidArgument (400)', async () => {
    const error = await failure(createKey('garbage', '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n'));
    expect(error.name).toBe('InvalidArgument');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('rejects a PKCS#1 RSA PUBLIC KEY and a private key: only SPKI PEM is accepted', async () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs1 = key.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const privatePem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect((await failure(createKey('pkcs1', pkcs1))).name).toBe('InvalidArgument');
    expect((await failure(createKey('private', privatePem))).name).toBe('InvalidArgument');
  });

  it(documented('cloudfront', 'CreatePublicKey', "CloudFront supports signed URLs and signed cookies with RSA 2048 or ECDSA 256 key signatures.").title, async () => {
    const rsa1024 = pems(generateKeyPairSync('rsa', { modulusLength: 1024 }));
    const p384 = pems(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }));
    expect((await failure(createKey('rsa1024', rsa1024.publicPem))).name).toBe('InvalidArgument');
    expect((await failure(createKey('p384', p384.publicPem))).name).toBe('InvalidArgument');
  });

  it('rejects a name outside letters, digits, - and _ or longer than 128 as InvalidArgument', async () => {
    expect((await failure(createKey('has space'))).name).toBe('InvalidArgument');
    expect((await failure(createKey('a'.repeat(129)))).name).toBe('InvalidArgument');
    await expect(createKey('a'.repeat(128))).resolves.toBeDefined();
  });

  it(documented('cloudfront', 'CreatePublicKey', "A comment to describe the public key. The comment cannot be longer than 128 characters.").title, async () => {
    expect((await failure(createKey('long-comment', rsa.publicPem, 'c'.repeat(129)))).name).toBe('InvalidArgument');
  });

  it('rejects a second public key with the same name as PublicKeyAlreadyExists (409)', async () => {
    await createKey('dup');
    const error = await failure(createKey('dup', ec.publicPem));
    expect(error.name).toBe('PublicKeyAlreadyExists');
    expect(error.$metadata.httpStatusCode).toBe(409);
  });

  it('rejects an 11th public key as TooManyPublicKeys (400)', async () => {
    for (let i = 0; i < 10; i += 1) await createKey(`quota-${i}`);
    const error = await failure(createKey('quota-10'));
    expect(error.name).toBe('TooManyPublicKeys');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('returns the public key and its config with the current ETag', async () => {
    const { id, etag } = await createKey('readable', rsa.publicPem, 'c');
    const key = await client.send(new GetPublicKeyCommand({ Id: id }));
    const config = await client.send(new GetPublicKeyConfigCommand({ Id: id }));
    expect(key.ETag).toBe(etag);
    expect(config.ETag).toBe(etag);
    expect(key.PublicKey?.Id).toBe(id);
    expect(key.PublicKey?.CreatedTime).toBeInstanceOf(Date);
    expect(config.PublicKeyConfig).toEqual({ CallerReference: 'ref-readable', Name: 'readable', EncodedKey: rsa.publicPem, Comment: 'c' });
  });

  it('answers GetPublicKey for an unknown id with NoSuchPublicKey (404)', async () => {
    const error = await failure(client.send(new GetPublicKeyCommand({ Id: 'K00000000000000' })));
    expect(error.name).toBe('NoSuchPublicKey');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it(documented('cloudfront', 'UpdatePublicKey', "Note that the only value you can change is the comment.").title, async () => {
    const { id, etag } = await createKey('commented', rsa.publicPem, 'old');
    const out = await client.send(
      new UpdatePublicKeyCommand({
        Id: id,
        IfMatch: etag,
        PublicKeyConfig: { CallerReference: 'ref-commented', Name: 'commented', EncodedKey: rsa.publicPem, Comment: 'new' },
      }),
    );
    expect(out.ETag).toMatch(ETAG);
    expect(out.ETag).not.toBe(etag);
    expect(out.PublicKey?.PublicKeyConfig?.Comment).toBe('new');
  });

  it(documented('cloudfront', 'UpdatePublicKey', "You can't change the value of a public key.").title, async () => {
    const { id, etag } = await createKey('immutable');
    const rename = await failure(
      client.send(new UpdatePublicKeyCommand({ Id: id, IfMatch: etag, PublicKeyConfig: { CallerReference: 'ref-immutable', Name: 'renamed', EncodedKey: rsa.publicPem } })),
    );
    const rekey = await failure(
      client.send(new UpdatePublicKeyCommand({ Id: id, IfMatch: etag, PublicKeyConfig: { CallerReference: 'ref-immutable', Name: 'immutable', EncodedKey: ec.publicPem } })),
    );
    expect([rename.name, rekey.name]).toEqual(['CannotChangeImmutablePublicKeyFields', 'CannotChangeImmutablePublicKeyFields']);
    expect(rename.$metadata.httpStatusCode).toBe(400);
  });

  it(documented('cloudfront', 'UpdatePublicKey', "The If-Match version is missing or not valid.").title, async () => {
    const { id } = await createKey('no-if-match');
    const error = await failure(
      client.send(new UpdatePublicKeyCommand({ Id: id, PublicKeyConfig: { CallerReference: 'ref-no-if-match', Name: 'no-if-match', EncodedKey: rsa.publicPem } })),
    );
    expect(error.name).toBe('InvalidIfMatchVersion');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('deletes a public key with its ETag (204), after which it is gone', async () => {
    const { id, etag } = await createKey('doomed');
    const out = await client.send(new DeletePublicKeyCommand({ Id: id, IfMatch: etag }));
    expect(out.$metadata.httpStatusCode).toBe(204);
    expect((await failure(client.send(new GetPublicKeyCommand({ Id: id })))).name).toBe('NoSuchPublicKey');
  });

  it('rejects DeletePublicKey with a stale ETag as PreconditionFailed (412)', async () => {
    const { id, etag } = await createKey('stale');
    await client.send(new UpdatePublicKeyCommand({ Id: id, IfMatch: etag, PublicKeyConfig: { CallerReference: 'ref-stale', Name: 'stale', EncodedKey: rsa.publicPem, Comment: 'x' } }));
    const error = await failure(client.send(new DeletePublicKeyCommand({ Id: id, IfMatch: etag })));
    expect(error.name).toBe('PreconditionFailed');
    expect(error.$metadata.httpStatusCode).toBe(412);
  });

  it('rejects DeletePublicKey with a missing or malformed If-Match as InvalidIfMatchVersion (400)', async () => {
    const { id } = await createKey('unmatched');
    expect((await failure(client.send(new DeletePublicKeyCommand({ Id: id })))).name).toBe('InvalidIfMatchVersion');
    expect((await failure(client.send(new DeletePublicKeyCommand({ Id: id, IfMatch: '"not-an-etag"' })))).name).toBe('InvalidIfMatchVersion');
  });

  it(documented('cloudfront', 'DeletePublicKey', "The specified public key is in use.").title, async () => {
    const { id, etag } = await createKey('in-use');
    await createGroup('holder', [id]);
    const error = await failure(client.send(new DeletePublicKeyCommand({ Id: id, IfMatch: etag })));
    expect(error.name).toBe('PublicKeyInUse');
    expect(error.$metadata.httpStatusCode).toBe(409);
  });

  it(documented('cloudfront', 'ListPublicKeys', "The results include public keys in the list that occur after the marker. To get the next page of results, set the Marker to the value of the NextMarker from the current page's response (which is also the ID of the last public key on that page).").title, async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await createKey(`page-${i}`)).id);
    const first = await client.send(new ListPublicKeysCommand({ MaxItems: 2 }));
    expect(first.PublicKeyList).toMatchObject({ MaxItems: 2, Quantity: 2, NextMarker: ids[1] });
    expect(first.PublicKeyList?.Items?.map((k) => k.Id)).toEqual(ids.slice(0, 2));
    expect(first.PublicKeyList?.Items?.[0]).toMatchObject({ Name: 'page-0', EncodedKey: rsa.publicPem });
    expect(first.PublicKeyList?.Items?.[0]?.CreatedTime).toBeInstanceOf(Date);
    const second = await client.send(new ListPublicKeysCommand({ MaxItems: 2, Marker: ids[1] }));
    expect(second.PublicKeyList?.Items?.map((k) => k.Id)).toEqual(ids.slice(2, 4));
    const last = await client.send(new ListPublicKeysCommand({ MaxItems: 2, Marker: ids[3] }));
    expect(last.PublicKeyList).toMatchObject({ Quantity: 1 });
    expect(last.PublicKeyList?.NextMarker).toBeUndefined();
    const all: string[] = [];
    for await (const page of paginateListPublicKeys({ client, pageSize: 2 }, {})) {
      all.push(...(page.PublicKeyList?.Items ?? []).map((k) => k.Id!));
    }
    expect(all).toEqual(ids);
  });

  it('lists no public keys as Quantity 0 without Items', async () => {
    const out = await client.send(new ListPublicKeysCommand({}));
    expect(out.PublicKeyList).toMatchObject({ Quantity: 0, MaxItems: 100 });
    expect(out.PublicKeyList?.Items ?? []).toEqual([]);
  });

  it('rejects a ListPublicKeys Marker that names no key as InvalidArgument', async () => {
    expect((await failure(client.send(new ListPublicKeysCommand({ Marker: 'KNOTAKEY000000' })))).name).toBe('InvalidArgument');
  });
});

describe('CloudFront key groups', () => {
  it('creates a key group: 201 with Location, an ETag and a UUID id', async () => {
    const key = await createKey('kg-key');
    const { out } = await createGroup('signers', [key.id], 'trusted');
    expect(out.$metadata.httpStatusCode).toBe(201);
    expect(out.ETag).toMatch(ETAG);
    expect(out.KeyGroup?.Id).toMatch(UUID);
    expect(out.Location).toBe(`${sim.url}/2020-05-31/key-group/${out.KeyGroup?.Id}`);
    expect(out.KeyGroup?.LastModifiedTime).toBeInstanceOf(Date);
    expect(out.KeyGroup?.KeyGroupConfig).toEqual({ Name: 'signers', Items: [key.id], Comment: 'trusted' });
  });

  it(documented('cloudfront', 'CreateKeyGroup', "To create a key group, you must specify at least one public key for the key group.").title, async () => {
    const error = await failure(createGroup('empty', []));
    expect(error.name).toBe('InvalidArgument');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('rejects a key group with 6 public keys as TooManyPublicKeysInKeyGroup (400)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) ids.push((await createKey(`six-${i}`)).id);
    await expect(createGroup('five', ids.slice(0, 5))).resolves.toBeDefined();
    const error = await failure(createGroup('six', ids));
    expect(error.name).toBe('TooManyPublicKeysInKeyGroup');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('rejects a key group naming an unknown public key as NoSuchPublicKey (404)', async () => {
    const key = await createKey('known');
    const error = await failure(createGroup('ghostly', [key.id, 'K00000000000000']));
    expect(error.name).toBe('NoSuchPublicKey');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it(documented('cloudfront', 'CreateKeyGroup', "A key group with this name already exists. You must provide a unique name.").title, async () => {
    const key = await createKey('kg-dup-key');
    await createGroup('same', [key.id]);
    const error = await failure(createGroup('same', [key.id]));
    expect(error.name).toBe('KeyGroupAlreadyExists');
    expect(error.$metadata.httpStatusCode).toBe(409);
  });

  it('rejects an 11th key group as TooManyKeyGroups (400)', async () => {
    const key = await createKey('shared');
    for (let i = 0; i < 10; i += 1) await createGroup(`group-${i}`, [key.id]);
    const error = await failure(createGroup('group-10', [key.id]));
    expect(error.name).toBe('TooManyKeyGroups');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('returns the key group and its config with the current ETag', async () => {
    const key = await createKey('get-kg');
    const { id, etag } = await createGroup('gettable', [key.id]);
    const group = await client.send(new GetKeyGroupCommand({ Id: id }));
    const config = await client.send(new GetKeyGroupConfigCommand({ Id: id }));
    expect([group.ETag, config.ETag]).toEqual([etag, etag]);
    expect(group.KeyGroup?.KeyGroupConfig).toEqual({ Name: 'gettable', Items: [key.id] });
    expect(config.KeyGroupConfig).toEqual({ Name: 'gettable', Items: [key.id] });
  });

  it('answers GetKeyGroup for an unknown id with NoSuchResource (404)', async () => {
    const error = await failure(client.send(new GetKeyGroupCommand({ Id: '00000000-0000-4000-8000-000000000000' })));
    expect(error.name).toBe('NoSuchResource');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it(documented('cloudfront', 'UpdateKeyGroup', "When you update a key group, all the fields are updated with the values provided in the request.").title, async () => {
    const a = await createKey('upd-a');
    const b = await createKey('upd-b');
    const { id, etag } = await createGroup('updatable', [a.id], 'will go');
    await sim.admin('POST', '/_sim/clock', { advanceSeconds: 3_600 });
    const out = await client.send(new UpdateKeyGroupCommand({ Id: id, IfMatch: etag, KeyGroupConfig: { Name: 'updated', Items: [a.id, b.id] } }));
    expect(out.ETag).toMatch(ETAG);
    expect(out.ETag).not.toBe(etag);
    expect(out.KeyGroup?.KeyGroupConfig).toEqual({ Name: 'updated', Items: [a.id, b.id] });
    expect(out.KeyGroup!.LastModifiedTime!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    expect((await client.send(new GetKeyGroupCommand({ Id: id }))).ETag).toBe(out.ETag);
  });

  it(documented('cloudfront', 'UpdateKeyGroup', "The precondition in one or more of the request fields evaluated to false.").title, async () => {
    const a = await createKey('stale-a');
    const { id, etag } = await createGroup('stale-group', [a.id]);
    await client.send(new UpdateKeyGroupCommand({ Id: id, IfMatch: etag, KeyGroupConfig: { Name: 'stale-group', Items: [a.id], Comment: 'edit' } }));
    const error = await failure(client.send(new UpdateKeyGroupCommand({ Id: id, IfMatch: etag, KeyGroupConfig: { Name: 'stale-group', Items: [a.id] } })));
    expect(error.name).toBe('PreconditionFailed');
    expect(error.$metadata.httpStatusCode).toBe(412);
  });

  it('rejects UpdateKeyGroup without If-Match as InvalidIfMatchVersion (400)', async () => {
    const a = await createKey('nim-a');
    const { id } = await createGroup('nim', [a.id]);
    const error = await failure(client.send(new UpdateKeyGroupCommand({ Id: id, KeyGroupConfig: { Name: 'nim', Items: [a.id] } })));
    expect(error.name).toBe('InvalidIfMatchVersion');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('rejects UpdateKeyGroup to another key group\'s name as KeyGroupAlreadyExists (409)', async () => {
    const a = await createKey('rn-a');
    await createGroup('taken', [a.id]);
    const { id, etag } = await createGroup('mine', [a.id]);
    const error = await failure(client.send(new UpdateKeyGroupCommand({ Id: id, IfMatch: etag, KeyGroupConfig: { Name: 'taken', Items: [a.id] } })));
    expect(error.name).toBe('KeyGroupAlreadyExists');
  });

  it('rejects UpdateKeyGroup of an unknown key group as NoSuchResource (404)', async () => {
    const a = await createKey('nsr-a');
    const error = await failure(
      client.send(new UpdateKeyGroupCommand({ Id: '00000000-0000-4000-8000-000000000000', IfMatch: 'E2QWRUHAPOMQZL', KeyGroupConfig: { Name: 'x', Items: [a.id] } })),
    );
    expect(error.name).toBe('NoSuchResource');
  });

  it('deletes a key group with its ETag (204), freeing its keys for deletion', async () => {
    const a = await createKey('del-a');
    const { id, etag } = await createGroup('deletable', [a.id]);
    const out = await client.send(new DeleteKeyGroupCommand({ Id: id, IfMatch: etag }));
    expect(out.$metadata.httpStatusCode).toBe(204);
    expect((await failure(client.send(new GetKeyGroupCommand({ Id: id })))).name).toBe('NoSuchResource');
    await expect(client.send(new DeletePublicKeyCommand({ Id: a.id, IfMatch: a.etag }))).resolves.toBeDefined();
  });

  it('rejects DeleteKeyGroup with a stale ETag as PreconditionFailed (412) and without If-Match as InvalidIfMatchVersion', async () => {
    const a = await createKey('dkg-a');
    const { id } = await createGroup('guarded', [a.id]);
    expect((await failure(client.send(new DeleteKeyGroupCommand({ Id: id, IfMatch: 'E2QWRUHAPOMQZL' })))).name).toBe('PreconditionFailed');
    expect((await failure(client.send(new DeleteKeyGroupCommand({ Id: id })))).name).toBe('InvalidIfMatchVersion');
  });

  it(documented('cloudfront', 'ListKeyGroups', "The response includes key groups in the list that occur after the marker. To get the next page of the list, set this field's value to the value of NextMarker from the current page's response.").title, async () => {
    const a = await createKey('lkg-a');
    const groups: string[] = [];
    for (let i = 0; i < 3; i += 1) groups.push((await createGroup(`lkg-${i}`, [a.id])).id);
    const first = await client.send(new ListKeyGroupsCommand({ MaxItems: 2 }));
    expect(first.KeyGroupList?.Items?.map((g) => g.KeyGroup?.Id)).toEqual(groups.slice(0, 2));
    const next = await client.send(new ListKeyGroupsCommand({ MaxItems: 2, Marker: first.KeyGroupList?.NextMarker }));
    expect(next.KeyGroupList?.Items?.map((g) => g.KeyGroup?.Id)).toEqual([groups[2]]);
    expect(next.KeyGroupList?.NextMarker).toBeUndefined();
  });

  it('lists key groups as KeyGroupSummary items', async () => {
    const a = await createKey('list-a');
    const g1 = await createGroup('list-1', [a.id]);
    const g2 = await createGroup('list-2', [a.id], 'second');
    const out = await client.send(new ListKeyGroupsCommand({}));
    expect(out.KeyGroupList).toMatchObject({ Quantity: 2, MaxItems: 100 });
    expect(out.KeyGroupList?.Items?.map((s) => s.KeyGroup?.Id)).toEqual([g1.id, g2.id]);
    expect(out.KeyGroupList?.Items?.[1]?.KeyGroup?.KeyGroupConfig).toEqual({ Name: 'list-2', Items: [a.id], Comment: 'second' });
  });
});

describe('CloudFront wire format', () => {
  it('answers malformed XML with MalformedXML (400) in an AWS ErrorResponse body, not a crash', async () => {
    const raw = rawClient('<KeyGroupConfig><Name>broken</Name>');
    const error = await failure(raw.client.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: 'x', Items: ['K00000000000000'] } })));
    expect(error.name).toBe('MalformedXML');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(raw.bodies[0]).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?><ErrorResponse xmlns="http:\/\/cloudfront\.amazonaws\.com\/doc\/2020-05-31\/"><Error><Type>Sender<\/Type><Code>MalformedXML<\/Code><Message>[^<]+<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
  });

  it('answers a body with the wrong root element with MalformedXML', async () => {
    const raw = rawClient('<PublicKeyConfig><Name>x</Name></PublicKeyConfig>');
    const error = await failure(raw.client.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: 'x', Items: ['K00000000000000'] } })));
    expect(error.name).toBe('MalformedXML');
  });

  it('keeps names and comments that look like numbers as strings, and escapes markup', async () => {
    const { out } = await createKey('123', rsa.publicPem, '<b>&"quoted"</b> 007');
    const raw = rawClient();
    await raw.client.send(new GetPublicKeyConfigCommand({ Id: out.PublicKey!.Id! }));
    const config = await client.send(new GetPublicKeyConfigCommand({ Id: out.PublicKey!.Id! }));
    expect(config.PublicKeyConfig).toMatchObject({ Name: '123', Comment: '<b>&"quoted"</b> 007' });
    expect(raw.bodies[0]).toContain('<Comment>&lt;b&gt;&amp;');
  });
});

describe('CloudFront faults', () => {
  it('returns Throttling (400) when throttled, which the SDK retries to success', async () => {
    await sim.admin('POST', '/_sim/faults', { service: 'cloudfront', operation: 'ListKeyGroups', throttle: true, count: 1 });
    const out = await client.send(new ListKeyGroupsCommand({}));
    expect(out.$metadata.attempts).toBe(2);
    const { calls } = await sim.admin<{ calls: Array<{ status: number; errorCode?: string }> }>('GET', '/_sim/calls?operation=ListKeyGroups');
    expect(calls.map((c) => [c.status, c.errorCode])).toEqual([
      [400, 'Throttling'],
      [200, undefined],
    ]);
  });

  it('throws Throttling once the SDK runs out of attempts', async () => {
    await sim.admin('POST', '/_sim/faults', { service: 'cloudfront', operation: 'ListKeyGroups', throttle: true, count: 10 });
    const error = await failure(client.send(new ListKeyGroupsCommand({})));
    expect(error.name).toBe('Throttling');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('throws an injected error code as the named exception and changes nothing', async () => {
    const { id, etag } = await createKey('injected');
    await sim.admin('POST', '/_sim/faults', { service: 'cloudfront', operation: 'DeletePublicKey', error: { code: 'PublicKeyInUse', status: 409 }, count: 1 });
    const error = await failure(client.send(new DeletePublicKeyCommand({ Id: id, IfMatch: etag })));
    expect(error.name).toBe('PublicKeyInUse');
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect((await client.send(new GetPublicKeyCommand({ Id: id }))).ETag).toBe(etag);
  });

  it('adds injected latency to a call', async () => {
    await sim.admin('POST', '/_sim/faults', { service: 'cloudfront', operation: 'ListPublicKeys', latencyMs: 300, count: 1 });
    const started = performance.now();
    await client.send(new ListPublicKeysCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('lets a racing writer add a key just before UpdateKeyGroup, so the caller gets PreconditionFailed (412)', async () => {
    const a = await createKey('race-a');
    const b = await createKey('race-b');
    const c = await createKey('race-c');
    const { id, etag } = await createGroup('raced', [a.id]);
    await sim.admin('POST', '/_sim/faults', { racingWriter: { keyGroupId: id, addPublicKeyId: b.id } });
    const error = await failure(client.send(new UpdateKeyGroupCommand({ Id: id, IfMatch: etag, KeyGroupConfig: { Name: 'raced', Items: [a.id, c.id] } })));
    expect(error.name).toBe('PreconditionFailed');
    expect(error.$metadata.httpStatusCode).toBe(412);
    const current = await client.send(new GetKeyGroupCommand({ Id: id }));
    expect(current.KeyGroup?.KeyGroupConfig?.Items).toEqual([a.id, b.id]);
    const retried = await client.send(
      new UpdateKeyGroupCommand({ Id: id, IfMatch: current.ETag, KeyGroupConfig: { Name: 'raced', Items: [a.id, b.id, c.id] } }),
    );
    expect(retried.KeyGroup?.KeyGroupConfig?.Items).toEqual([a.id, b.id, c.id]);
  });

  it('lets a racing writer remove a key just before UpdateKeyGroup, so the caller gets PreconditionFailed (412)', async () => {
    const a = await createKey('rr-a');
    const b = await createKey('rr-b');
    const { id, etag } = await createGroup('raced-remove', [a.id, b.id]);
    await sim.admin('POST', '/_sim/faults', { racingWriter: { keyGroupId: id, removePublicKeyId: b.id } });
    const error = await failure(
      client.send(new UpdateKeyGroupCommand({ Id: id, IfMatch: etag, KeyGroupConfig: { Name: 'raced-remove', Items: [a.id, b.id], Comment: 'mine' } })),
    );
    expect(error.name).toBe('PreconditionFailed');
    expect(await groupItems(id)).toEqual([a.id]);
  });

  it('skips a racing writer edit the rules forbid (unknown or already present key), leaving the ETag valid', async () => {
    const a = await createKey('rs-a');
    const { id, etag } = await createGroup('raced-skip', [a.id]);
    await sim.admin('POST', '/_sim/faults', { racingWriter: { keyGroupId: id, addPublicKeyId: 'K00000000000000' } });
    await sim.admin('POST', '/_sim/faults', { racingWriter: { keyGroupId: id, addPublicKeyId: a.id } });
    const out = await client.send(new UpdateKeyGroupCommand({ Id: id, IfMatch: etag, KeyGroupConfig: { Name: 'raced-skip', Items: [a.id], Comment: 'ok' } }));
    expect(out.KeyGroup?.KeyGroupConfig).toEqual({ Name: 'raced-skip', Items: [a.id], Comment: 'ok' });
    const { calls } = await sim.admin<{ calls: unknown[] }>('GET', '/_sim/calls?operation=UpdateKeyGroup');
    expect(calls).toHaveLength(1);
  });

  it('records on each racing writer that fired whether its edit was made (tests check what it actually did)', async () => {
    const a = await createKey('ra-a');
    const b = await createKey('ra-b');
    const { id, etag } = await createGroup('raced-applied', [a.id]);
    const skipped = sim.sim.faults.addRacingWriter({ keyGroupId: id, addPublicKeyId: a.id });
    const made = sim.sim.faults.addRacingWriter({ keyGroupId: id, addPublicKeyId: b.id });
    const pending = sim.sim.faults.addRacingWriter({ keyGroupId: 'another-group', addPublicKeyId: b.id });
    await failure(client.send(new UpdateKeyGroupCommand({ Id: id, IfMatch: etag, KeyGroupConfig: { Name: 'raced-applied', Items: [a.id] } })));
    expect([skipped.applied, made.applied, pending.applied]).toEqual([false, true, undefined]);
  });
});

describe('CloudFront signed-URL probe', () => {
  async function signedGroup(pair: KeyPair = rsa) {
    const key = await createKey(`probe-${Math.random().toString(36).slice(2, 8)}`, pair.publicPem);
    const group = await createGroup(`probe-group-${Math.random().toString(36).slice(2, 8)}`, [key.id]);
    return { keyId: key.id, groupId: group.id, groupEtag: group.etag, base: `${sim.url}/_sim/cloudfront/${group.id}` };
  }

  async function probe(url: string, headers: Record<string, string> = {}) {
    const res = await fetch(url, { headers });
    return { status: res.status, body: (await res.json()) as { ok: boolean; keyPairId?: string; reason?: string } };
  }

  const inOneHour = async () => new Date(((await simNowSeconds()) + 3_600) * 1000);

  it('accepts a canned-policy URL signed with an RSA key of the group (SHA-1)', async () => {
    const { keyId, base } = await signedGroup();
    const url = getSignedUrl({ url: `${base}/path/to/file.txt`, keyPairId: keyId, privateKey: rsa.privatePem, dateLessThan: await inOneHour() });
    expect(url).toContain('Expires=');
    expect(await probe(url)).toEqual({ status: 200, body: { ok: true, keyPairId: keyId, policy: 'canned', hashAlgorithm: 'SHA1' } });
  });

  it('accepts a signed URL whose path has spaces and unicode and which already has a query string', async () => {
    const { keyId, base } = await signedGroup();
    const url = getSignedUrl({
      url: `${base}/my files/naïve ✓/report 2025.pdf?download=true&name=a b`,
      keyPairId: keyId,
      privateKey: rsa.privatePem,
      dateLessThan: await inOneHour(),
    });
    expect(url).toContain('/my%20files/na%C3%AFve%20%E2%9C%93/');
    expect(await probe(url)).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('accepts a URL signed with an ECDSA P-256 key (DER signature)', async () => {
    const { keyId, base } = await signedGroup(ec);
    const url = getSignedUrl({ url: `${base}/ec.txt`, keyPairId: keyId, privateKey: ec.privatePem, dateLessThan: await inOneHour() });
    expect(await probe(url)).toMatchObject({ status: 200, body: { ok: true, keyPairId: keyId } });
  });

  it('accepts a URL signed with SHA-256 (Hash-Algorithm=SHA256), RSA and ECDSA', async () => {
    const rsaGroup = await signedGroup();
    const ecGroup = await signedGroup(ec);
    const dateLessThan = await inOneHour();
    const rsaUrl = getSignedUrl({ url: `${rsaGroup.base}/sha256.txt`, keyPairId: rsaGroup.keyId, privateKey: rsa.privatePem, dateLessThan, algorithm: 'SHA256' });
    const ecUrl = getSignedUrl({ url: `${ecGroup.base}/sha256.txt`, keyPairId: ecGroup.keyId, privateKey: ec.privatePem, dateLessThan, algorithm: 'SHA256' });
    expect(rsaUrl).toContain('Hash-Algorithm=SHA256');
    expect(await probe(rsaUrl)).toMatchObject({ status: 200, body: { ok: true, hashAlgorithm: 'SHA256' } });
    expect(await probe(ecUrl)).toMatchObject({ status: 200, body: { ok: true, hashAlgorithm: 'SHA256' } });
  });

  it('rejects a SHA-256 signature presented without Hash-Algorithm=SHA256 (403)', async () => {
    const { keyId, base } = await signedGroup();
    const url = getSignedUrl({ url: `${base}/alg.txt`, keyPairId: keyId, privateKey: rsa.privatePem, dateLessThan: await inOneHour(), algorithm: 'SHA256' });
    expect(await probe(url.replace('&Hash-Algorithm=SHA256', ''))).toMatchObject({ status: 403, body: { ok: false } });
  });

  it('accepts a custom policy whose wildcard Resource covers the URL', async () => {
    const { keyId, base } = await signedGroup();
    const policy = JSON.stringify({
      Statement: [{ Resource: `${base}/videos/*`, Condition: { DateLessThan: { 'AWS:EpochTime': (await simNowSeconds()) + 600 } } }],
    });
    const url = getSignedUrl({ url: `${base}/videos/intro.mp4`, keyPairId: keyId, privateKey: rsa.privatePem, policy });
    expect(url).toContain('Policy=');
    expect(await probe(url)).toMatchObject({ status: 200, body: { ok: true, policy: 'custom' } });
    const elsewhere = url.replace('/videos/intro.mp4', '/private/secret.mp4');
    expect(await probe(elsewhere)).toMatchObject({ status: 403, body: { reason: expect.stringContaining('does not match') } });
  });

  it('rejects a custom-policy URL before its DateGreaterThan and accepts it after, per the simulator clock', async () => {
    const { keyId, base } = await signedGroup();
    const now = await simNowSeconds();
    const url = getSignedUrl({
      url: `${base}/later.txt`,
      keyPairId: keyId,
      privateKey: rsa.privatePem,
      dateGreaterThan: new Date((now + 600) * 1000),
      dateLessThan: new Date((now + 3_600) * 1000),
    });
    expect(await probe(url)).toMatchObject({ status: 403, body: { reason: expect.stringContaining('not valid until') } });
    await sim.admin('POST', '/_sim/clock', { advanceSeconds: 900 });
    expect(await probe(url)).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('enforces a custom policy IpAddress condition against the viewer address', async () => {
    const { keyId, base } = await signedGroup();
    const url = getSignedUrl({ url: `${base}/ip.txt`, keyPairId: keyId, privateKey: rsa.privatePem, dateLessThan: await inOneHour(), ipAddress: '10.0.0.0/8' });
    expect(await probe(url)).toMatchObject({ status: 403, body: { reason: expect.stringContaining('127.0.0.1') } });
    expect(await probe(url, { 'x-forwarded-for': '10.1.2.3' })).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('rejects a signed URL once it has expired by the simulator clock (403)', async () => {
    const { keyId, base } = await signedGroup();
    const url = getSignedUrl({ url: `${base}/soon.txt`, keyPairId: keyId, privateKey: rsa.privatePem, dateLessThan: await inOneHour() });
    await sim.admin('POST', '/_sim/clock', { advanceSeconds: 3_601 });
    expect(await probe(url)).toMatchObject({ status: 403, body: { ok: false, reason: expect.stringContaining('expired') } });
  });

  it('rejects a URL whose Key-Pair-Id is not in the key group (403), e.g. after the key is removed', async () => {
    const { keyId, groupId, groupEtag, base } = await signedGroup();
    const replacement = await createKey('replacement');
    const url = getSignedUrl({ url: `${base}/rotated.txt`, keyPairId: keyId, privateKey: rsa.privatePem, dateLessThan: await inOneHour() });
    const config = await client.send(new GetKeyGroupConfigCommand({ Id: groupId }));
    await client.send(new UpdateKeyGroupCommand({ Id: groupId, IfMatch: groupEtag, KeyGroupConfig: { ...config.KeyGroupConfig!, Items: [replacement.id] } }));
    expect(await probe(url)).toMatchObject({ status: 403, body: { reason: expect.stringContaining('not in key group') } });
  });

  it('rejects a URL signed with a private key that does not match the public key (403)', async () => {
    const { keyId, base } = await signedGroup();
    const url = getSignedUrl({ url: `${base}/forged.txt`, keyPairId: keyId, privateKey: rsaOther.privatePem, dateLessThan: await inOneHour() });
    expect(await probe(url)).toMatchObject({ status: 403, body: { reason: expect.stringContaining('does not verify') } });
  });

  it('rejects a canned-policy URL whose path or query was changed after signing (403)', async () => {
    const { keyId, base } = await signedGroup();
    const url = getSignedUrl({ url: `${base}/a.txt?v=1`, keyPairId: keyId, privateKey: rsa.privatePem, dateLessThan: await inOneHour() });
    expect((await probe(url.replace('/a.txt', '/b.txt'))).status).toBe(403);
    expect((await probe(url.replace('v=1', 'v=2'))).status).toBe(403);
    expect((await probe(url.replace(/Expires=\d+/, (m) => `${m}9`))).status).toBe(403);
  });

  it('rejects a URL missing its signing parameters (403) and an unknown key group (403)', async () => {
    const { base } = await signedGroup();
    expect(await probe(`${base}/plain.txt`)).toMatchObject({ status: 403, body: { reason: expect.stringContaining('Key-Pair-Id') } });
    expect((await probe(`${sim.url}/_sim/cloudfront/00000000-0000-4000-8000-000000000000/x.txt`)).status).toBe(403);
  });
});
