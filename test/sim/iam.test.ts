/**
 * Contract tests of the simulated IAM server certificates (aws-facts.md "IAM server
 * certificates"), through the real IAMClient only, plus fetch for the admin API.
 */
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DeleteServerCertificateCommand,
  GetServerCertificateCommand,
  IAMClient,
  ListServerCertificatesCommand,
  UpdateServerCertificateCommand,
  UploadServerCertificateCommand,
  paginateListServerCertificates,
  type UploadServerCertificateCommandInput,
} from '@aws-sdk/client-iam';
import { documented } from '../support/sdk-docs';
import { useSimulator } from '../support/sim';
import { DAY_MS, makeCertificate, makeCertificateAuthority, type GeneratedCertificate } from '../support/certs';

const sim = useSimulator();

function iam(options: { maxAttempts?: number } = {}): IAMClient {
  return new IAMClient({ region: 'us-east-1', ...options });
}

/** Whole seconds: X.509 keeps no milliseconds. */
function secondsFromNow(days: number): Date {
  return new Date(Math.floor((Date.now() + days * DAY_MS) / 1000) * 1000);
}

let rsa: GeneratedCertificate;
let ec: GeneratedCertificate;
let other: GeneratedCertificate;
let pkcs1: GeneratedCertificate;
let chained: GeneratedCertificate;
let intermediateChainPem: string;
let expired: GeneratedCertificate;
let notYetValid: GeneratedCertificate;

beforeAll(async () => {
  const root = await makeCertificateAuthority({ commonName: 'keyturn test root', keyAlgorithm: 'EC-P256' });
  const intermediate = await makeCertificateAuthority({ commonName: 'keyturn test intermediate', issuer: root, keyAlgorithm: 'EC-P256' });
  [rsa, ec, other, pkcs1, chained, expired, notYetValid] = await Promise.all([
    makeCertificate({ commonName: 'rsa.example.com', notAfter: secondsFromNow(90) }),
    makeCertificate({ commonName: 'ec.example.com', keyAlgorithm: 'EC-P256' }),
    makeCertificate({ commonName: 'other.example.com', keyAlgorithm: 'EC-P256' }),
    makeCertificate({ commonName: 'pkcs1.example.com', privateKeyEncoding: 'pkcs1' }),
    makeCertificate({ commonName: 'chained.example.com', issuer: intermediate, keyAlgorithm: 'EC-P256' }),
    makeCertificate({ commonName: 'expired.example.com', keyAlgorithm: 'EC-P256', notBefore: secondsFromNow(-30), notAfter: secondsFromNow(-1) }),
    makeCertificate({ commonName: 'future.example.com', keyAlgorithm: 'EC-P256', notBefore: secondsFromNow(1), notAfter: secondsFromNow(30) }),
  ]);
  intermediateChainPem = intermediate.certificatePem;
});

function upload(name: string, cert: GeneratedCertificate, extra: Partial<UploadServerCertificateCommandInput> = {}, client = iam()) {
  return client.send(
    new UploadServerCertificateCommand({
      ServerCertificateName: name,
      CertificateBody: cert.certificatePem,
      PrivateKey: cert.privateKeyPem,
      ...extra,
    }),
  );
}

/** The failure as the wire has it: `code` is IAM's error code (the SDK's class name adds "Exception"). */
async function rejection(promise: Promise<unknown>): Promise<{ code: string; name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; Code?: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.Code ?? e.name, name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

async function setSettings(settings: { serverCertificateQuota?: number; maxPageItems?: number | null }) {
  await sim.admin('POST', '/_sim/iam/settings', settings);
}

/** Uploads the same certificate under `count` names, 20 at a time (generation is the slow part). */
async function seed(count: number, prefix = 'cert', path?: string) {
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
  for (let i = 0; i < names.length; i += 20) {
    await Promise.all(names.slice(i, i + 20).map((n) => upload(n, ec, path ? { Path: path } : {})));
  }
  return names;
}

describe('UploadServerCertificate', () => {
  it('returns the metadata with an ASCA id, the ARN and the certificate notAfter as Expiration', async () => {
    const out = await upload('www-example', rsa);
    const meta = out.ServerCertificateMetadata!;
    expect(meta.ServerCertificateName).toBe('www-example');
    expect(meta.Path).toBe('/');
    expect(meta.ServerCertificateId).toMatch(/^ASCA[A-Z0-9]{17}$/);
    expect(meta.Arn).toBe('arn:aws:iam::123456789012:server-certificate/www-example');
    expect(meta.Expiration?.getTime()).toBe(rsa.notAfter.getTime());
    expect(Math.abs(meta.UploadDate!.getTime() - Date.now())).toBeLessThan(5_000);
  });

  it(documented('iam', 'UploadServerCertificate', "This parameter is optional. If it is not included, it defaults to a slash (/).").title, async () => {
    const out = await upload('no-path', ec);
    expect(out.ServerCertificateMetadata?.Path).toBe('/');
    expect(out.ServerCertificateMetadata?.Arn).toBe('arn:aws:iam::123456789012:server-certificate/no-path');
  });

  it(documented('iam', 'UploadServerCertificate', "If any one of the tags is invalid or if you exceed the allowed maximum number of tags, then the entire request fails and the resource is not created.").title, async () => {
    expect((await rejection(upload('half-tagged', ec, { Tags: [{ Key: 'team', Value: 'edge' }, { Key: 'aws:owner', Value: 'x' }] }))).code).toBe('InvalidInput');
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect((await rejection(upload('over-tagged', ec, { Tags: tooMany }))).code).toBe('ValidationError');
    const listed = await iam().send(new ListServerCertificatesCommand({}));
    expect(listed.ServerCertificateMetadataList).toEqual([]);
  });

  it('puts the path in the ARN', async () => {
    const out = await upload('cdn-cert', ec, { Path: '/cloudfront/prod/' });
    expect(out.ServerCertificateMetadata?.Path).toBe('/cloudfront/prod/');
    expect(out.ServerCertificateMetadata?.Arn).toBe('arn:aws:iam::123456789012:server-certificate/cloudfront/prod/cdn-cert');
  });

  it('returns the tags it was given', async () => {
    const out = await upload('tagged', ec, { Tags: [{ Key: 'team', Value: 'edge' }, { Key: 'env', Value: 'prod' }] });
    expect(out.Tags).toEqual([{ Key: 'team', Value: 'edge' }, { Key: 'env', Value: 'prod' }]);
  });

  it('accepts a CA-signed certificate with its chain, immediate issuer first', async () => {
    const out = await upload('chained', chained, { CertificateChain: chained.chainPem });
    expect(out.ServerCertificateMetadata?.ServerCertificateName).toBe('chained');
  });

  it('accepts an EC key and a PKCS#1 RSA key', async () => {
    await upload('ec-key', ec);
    await upload('pkcs1-key', pkcs1);
    const list = await iam().send(new ListServerCertificatesCommand({}));
    expect(list.ServerCertificateMetadataList?.map((m) => m.ServerCertificateName)).toEqual(['ec-key', 'pkcs1-key']);
  });

  it('rejects a body that is not a certificate with MalformedCertificate', async () => {
    const e = await rejection(upload('bad', { ...ec, certificatePem: '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n' }));
    expect(e).toMatchObject({ code: 'MalformedCertificate', status: 400 });
    const e2 = await rejection(upload('bad', { ...ec, certificatePem: 'hello' }));
    expect(e2.code).toBe('MalformedCertificate');
  });

  it('rejects a body holding two certificates with MalformedCertificate', async () => {
    const e = await rejection(upload('two', { ...ec, certificatePem: ec.certificatePem + other.certificatePem }));
    expect(e.code).toBe('MalformedCertificate');
  });

  it(documented('iam', 'UploadServerCertificate', "The request was rejected because the certificate was malformed or expired.").title, async () => {
    const e = await rejection(upload('old', expired));
    expect(e).toMatchObject({ code: 'MalformedCertificate', status: 400 });
    expect(e.message).toMatch(/expired/);
  });

  it('rejects a certificate that is not valid yet with MalformedCertificate', async () => {
    const e = await rejection(upload('future', notYetValid));
    expect(e.code).toBe('MalformedCertificate');
    expect(e.message).toMatch(/not valid yet/);
  });

  it('judges expiry by the simulator clock', async () => {
    await sim.admin('POST', '/_sim/clock', { advanceSeconds: 91 * 86_400 });
    const e = await rejection(upload('late', rsa));
    expect(e.code).toBe('MalformedCertificate');
  });

  it(documented('iam', 'UploadServerCertificate', "The request was rejected because the public key certificate and the private key do not match.").title, async () => {
    const e = await rejection(upload('mismatch', { ...ec, privateKeyPem: other.privateKeyPem }));
    expect(e).toMatchObject({ code: 'KeyPairMismatch', status: 400 });
  });

  it('rejects an unreadable private key with MalformedCertificate', async () => {
    const e = await rejection(upload('nokey', { ...ec, privateKeyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }));
    expect(e.code).toBe('MalformedCertificate');
  });

  it('rejects a chain that does not parse with MalformedCertificate', async () => {
    const e = await rejection(upload('badchain', chained, { CertificateChain: 'garbage' }));
    expect(e.code).toBe('MalformedCertificate');
  });

  it('rejects a chain out of order with MalformedCertificate', async () => {
    const reversed = chained.chainPem!.replace(intermediateChainPem, '') + intermediateChainPem;
    const e = await rejection(upload('reversed', chained, { CertificateChain: reversed }));
    expect(e.code).toBe('MalformedCertificate');
    expect(e.message).toMatch(/chain/);
  });

  it(documented('iam', 'UploadServerCertificate', "The request was rejected because it attempted to create a resource that already exists.").title, async () => {
    await upload('Taken', ec);
    expect(await rejection(upload('Taken', ec))).toMatchObject({ code: 'EntityAlreadyExists', status: 409 });
    expect((await rejection(upload('taken', ec))).code).toBe('EntityAlreadyExists');
  });

  it(documented('iam', 'UploadServerCertificate', "The request was rejected because it attempted to create resources beyond the current Amazon Web Services account limits.").title, async () => {
    await seed(20);
    // One attempt: the SDK classes LimitExceededException as throttling and would back off and retry.
    const e = await rejection(upload('one-too-many', ec, {}, iam({ maxAttempts: 1 })));
    expect(e).toMatchObject({ code: 'LimitExceeded', status: 409 });
  });

  it('takes a raised quota from the settings', async () => {
    await setSettings({ serverCertificateQuota: 21 });
    await seed(21);
    expect((await rejection(upload('one-too-many', ec, {}, iam({ maxAttempts: 1 })))).code).toBe('LimitExceeded');
  });

  it(documented('iam', 'UploadServerCertificate', "The name of the certificate cannot contain any spaces.").title, async () => {
    expect(await rejection(upload('has space', ec))).toMatchObject({ code: 'ValidationError', status: 400 });
    expect((await rejection(upload('a/b', ec))).code).toBe('ValidationError');
    expect((await rejection(upload('x'.repeat(129), ec))).code).toBe('ValidationError');
    await upload(`ok+=,.@-_${'x'.repeat(119)}`, ec);
  });

  it(documented('iam', 'UploadServerCertificate', "This parameter allows (through its regex pattern) a string of characters consisting of either a forward slash (/) by itself or a string that must begin and end with forward slashes.").title, async () => {
    for (const Path of ['cloudfront/', '/cloudfront', '/a b/', '/é/', `/${'p'.repeat(511)}/`]) {
      expect((await rejection(upload('pathy', ec, { Path }))).code, Path).toBe('ValidationError');
    }
    await upload('pathy', ec, { Path: `/${'p'.repeat(510)}/` });
  });

  it('rejects a body or private key over 16 KiB and a chain over 2 MiB with ValidationError', async () => {
    const pad = (pem: string, size: number) => pem + '\n'.repeat(size - pem.length);
    expect((await rejection(upload('big', { ...ec, certificatePem: pad(ec.certificatePem, 16_385) }))).code).toBe('ValidationError');
    expect((await rejection(upload('big', { ...ec, privateKeyPem: pad(ec.privateKeyPem, 16_385) }))).code).toBe('ValidationError');
    const chain = pad(chained.chainPem!, 2 * 1024 * 1024 + 1);
    expect((await rejection(upload('big', chained, { CertificateChain: chain }))).code).toBe('ValidationError');
    await upload('big', { ...ec, certificatePem: pad(ec.certificatePem, 16_384) });
  });

  it('rejects tag keys starting with aws: and duplicate tag keys with InvalidInput', async () => {
    expect((await rejection(upload('t1', ec, { Tags: [{ Key: 'aws:owner', Value: 'x' }] }))).code).toBe('InvalidInput');
    expect((await rejection(upload('t2', ec, { Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] }))).code).toBe('InvalidInput');
  });

  it('rejects tags outside the IAM charset or lengths with ValidationError', async () => {
    expect((await rejection(upload('t3', ec, { Tags: [{ Key: 'k!', Value: 'x' }] }))).code).toBe('ValidationError');
    expect((await rejection(upload('t4', ec, { Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] }))).code).toBe('ValidationError');
  });
});

describe('GetServerCertificate', () => {
  it('returns the body and the chain but never the private key', async () => {
    await upload('chained', chained, { CertificateChain: chained.chainPem, Tags: [{ Key: 'k', Value: 'v' }] });
    const out = await iam().send(new GetServerCertificateCommand({ ServerCertificateName: 'chained' }));
    expect(out.ServerCertificate?.CertificateBody).toBe(chained.certificatePem);
    expect(out.ServerCertificate?.CertificateChain).toBe(chained.chainPem);
    expect(out.ServerCertificate?.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    expect(Object.keys(out.ServerCertificate ?? {})).not.toContain('PrivateKey');
    const state = JSON.stringify(await sim.admin('GET', '/_sim/state'));
    expect(state).not.toContain(chained.privateKeyPem.split('\n')[1]);
  });

  it('returns a body that is the uploaded X.509 certificate', async () => {
    await upload('rsa', rsa);
    const out = await iam().send(new GetServerCertificateCommand({ ServerCertificateName: 'rsa' }));
    expect(new X509Certificate(out.ServerCertificate!.CertificateBody!).subject).toBe('CN=rsa.example.com');
  });

  it(documented('iam', 'GetServerCertificate', "The request was rejected because it referenced a resource entity that does not exist.").title, async () => {
    const e = await rejection(iam().send(new GetServerCertificateCommand({ ServerCertificateName: 'nope' })));
    expect(e).toMatchObject({ code: 'NoSuchEntity', name: 'NoSuchEntityException', status: 404 });
  });
});

describe('UpdateServerCertificate', () => {
  it('renames and moves a certificate', async () => {
    await upload('before', ec);
    await iam().send(new UpdateServerCertificateCommand({ ServerCertificateName: 'before', NewServerCertificateName: 'after', NewPath: '/moved/' }));
    const out = await iam().send(new GetServerCertificateCommand({ ServerCertificateName: 'after' }));
    expect(out.ServerCertificate?.ServerCertificateMetadata?.Arn).toBe('arn:aws:iam::123456789012:server-certificate/moved/after');
    expect((await rejection(iam().send(new GetServerCertificateCommand({ ServerCertificateName: 'before' })))).code).toBe('NoSuchEntity');
  });

  it('refuses a new name that is taken with EntityAlreadyExists', async () => {
    await upload('one', ec);
    await upload('two', ec);
    const e = await rejection(iam().send(new UpdateServerCertificateCommand({ ServerCertificateName: 'one', NewServerCertificateName: 'TWO' })));
    expect(e).toMatchObject({ code: 'EntityAlreadyExists', status: 409 });
  });

  it('answers NoSuchEntity for an unknown name and ValidationError for a bad new path', async () => {
    expect((await rejection(iam().send(new UpdateServerCertificateCommand({ ServerCertificateName: 'nope', NewPath: '/x/' })))).code).toBe('NoSuchEntity');
    await upload('one', ec);
    expect((await rejection(iam().send(new UpdateServerCertificateCommand({ ServerCertificateName: 'one', NewPath: 'x' })))).code).toBe('ValidationError');
  });
});

describe('DeleteServerCertificate', () => {
  it('deletes a certificate', async () => {
    await upload('gone', ec);
    await iam().send(new DeleteServerCertificateCommand({ ServerCertificateName: 'gone' }));
    expect((await rejection(iam().send(new GetServerCertificateCommand({ ServerCertificateName: 'gone' })))).code).toBe('NoSuchEntity');
  });

  it('answers NoSuchEntity for an unknown name', async () => {
    expect(await rejection(iam().send(new DeleteServerCertificateCommand({ ServerCertificateName: 'nope' })))).toMatchObject({ code: 'NoSuchEntity', status: 404 });
  });

  it(documented('iam', 'DeleteServerCertificate', "The request was rejected because it attempted to delete a resource that has attached subordinate entities.").title, async () => {
    await upload('in-use', ec);
    const state = await sim.admin<{ services: { iam: { serverCertificates: { inUseBy?: string[] }[] } } }>('GET', '/_sim/state');
    state.services.iam.serverCertificates[0]!.inUseBy = ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1'];
    await sim.admin('PUT', '/_sim/state', state);
    const e = await rejection(iam().send(new DeleteServerCertificateCommand({ ServerCertificateName: 'in-use' })));
    expect(e).toMatchObject({ code: 'DeleteConflict', status: 409 });
  });
});

describe('ListServerCertificates', () => {
  it(documented('iam', 'ListServerCertificates', "IAM resource-listing operations return a subset of the available attributes for the resource. For example, this operation does not return tags, even though they are an attribute of the returned object.").title, async () => {
    await upload('tagged-listed', ec, { Tags: [{ Key: 'team', Value: 'edge' }] });
    const out = await iam().send(new ListServerCertificatesCommand({}));
    expect(out.ServerCertificateMetadataList).toHaveLength(1);
    expect(out.ServerCertificateMetadataList?.[0]).not.toHaveProperty('Tags');
    const got = await iam().send(new GetServerCertificateCommand({ ServerCertificateName: 'tagged-listed' }));
    expect(got.ServerCertificate?.Tags).toEqual([{ Key: 'team', Value: 'edge' }]);
  });

  it('lists certificates under a path prefix only', async () => {
    await upload('root-cert', ec);
    await upload('cdn-a', ec, { Path: '/cloudfront/' });
    await upload('cdn-b', ec, { Path: '/cloudfront/prod/' });
    const out = await iam().send(new ListServerCertificatesCommand({ PathPrefix: '/cloudfront/' }));
    expect(out.ServerCertificateMetadataList?.map((m) => m.ServerCertificateName)).toEqual(['cdn-a', 'cdn-b']);
    expect(out.IsTruncated).toBe(false);
    expect(out.Marker).toBeUndefined();
  });

  it(documented('iam', 'ListServerCertificates', "If none exist, the operation returns an empty list.").title, async () => {
    const out = await iam().send(new ListServerCertificatesCommand({}));
    expect(out.ServerCertificateMetadataList).toEqual([]);
    expect(out.IsTruncated).toBe(false);
  });

  it('rejects MaxItems outside 1–1000 with ValidationError', async () => {
    expect((await rejection(iam().send(new ListServerCertificatesCommand({ MaxItems: 0 })))).code).toBe('ValidationError');
    expect((await rejection(iam().send(new ListServerCertificatesCommand({ MaxItems: 1001 })))).code).toBe('ValidationError');
  });

  it('rejects a marker it did not issue with InvalidInput', async () => {
    expect((await rejection(iam().send(new ListServerCertificatesCommand({ Marker: 'not-a-marker' })))).code).toBe('InvalidInput');
  });

  it(documented('iam', 'ListServerCertificates', "If you do not include this parameter, the number of items defaults to 100.").title, async () => {
    await setSettings({ serverCertificateQuota: 1000 });
    const names = await seed(250);
    const sizes: number[] = [];
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const out = await iam().send(new ListServerCertificatesCommand({ Marker: marker }));
      sizes.push(out.ServerCertificateMetadataList!.length);
      seen.push(...out.ServerCertificateMetadataList!.map((m) => m.ServerCertificateName!));
      expect(out.IsTruncated).toBe(out.Marker !== undefined);
      marker = out.Marker;
    } while (marker);
    expect(sizes).toEqual([100, 100, 50]);
    expect(seen).toEqual(names);
  });

  it(documented('iam', 'ListServerCertificates', "Note that IAM might return fewer results, even when there are more results available. In that case, the IsTruncated response element returns true, and Marker contains a value to include in the subsequent call that tells the service where to continue from.").title, async () => {
    await setSettings({ maxPageItems: 7 });
    await seed(20);
    const first = await iam().send(new ListServerCertificatesCommand({ MaxItems: 100 }));
    expect(first.ServerCertificateMetadataList).toHaveLength(7);
    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toBeDefined();
  });

  it('gives every certificate, once, to paginateListServerCertificates over short pages', async () => {
    await setSettings({ serverCertificateQuota: 1000, maxPageItems: 97 });
    const names = await seed(1000);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListServerCertificates({ client: iam(), pageSize: 1000 }, {})) {
      pages += 1;
      seen.push(...(page.ServerCertificateMetadataList ?? []).map((m) => m.ServerCertificateName!));
    }
    expect(pages).toBe(11);
    expect(seen).toEqual(names);
  });
});

describe('faults', () => {
  it('answers Throttling (400), which the SDK retries', async () => {
    await upload('one', ec);
    await sim.admin('POST', '/_sim/faults', { service: 'iam', operation: 'ListServerCertificates', throttle: true, count: 1 });
    await sim.admin('DELETE', '/_sim/calls');
    const out = await iam().send(new ListServerCertificatesCommand({}));
    expect(out.ServerCertificateMetadataList).toHaveLength(1);
    const { calls } = await sim.admin<{ calls: { status: number; errorCode?: string }[] }>('GET', '/_sim/calls?service=iam&operation=ListServerCertificates');
    expect(calls.map((c) => [c.status, c.errorCode])).toEqual([[400, 'Throttling'], [200, undefined]]);
  });

  it('surfaces Throttling when every attempt is throttled', async () => {
    await sim.admin('POST', '/_sim/faults', { service: 'iam', operation: 'ListServerCertificates', throttle: true, count: 1 });
    const e = await rejection(iam({ maxAttempts: 1 }).send(new ListServerCertificatesCommand({})));
    expect(e).toMatchObject({ code: 'Throttling', status: 400 });
  });

  it('renders an injected ServiceFailure as a 500 the SDK names ServiceFailure', async () => {
    await sim.admin('POST', '/_sim/faults', { service: 'iam', operation: 'GetServerCertificate', error: { code: 'ServiceFailure', status: 500 }, count: 1 });
    const e = await rejection(iam({ maxAttempts: 1 }).send(new GetServerCertificateCommand({ ServerCertificateName: 'x' })));
    expect(e).toMatchObject({ code: 'ServiceFailure', status: 500 });
  });
});
