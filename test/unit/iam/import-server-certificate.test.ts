import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  GetServerCertificateCommand,
  IAMClient,
  KeyPairMismatchException,
  NoSuchEntityException,
  UploadServerCertificateCommand,
} from '@aws-sdk/client-iam';
import { readBackServerCertificate, validateAndUploadServerCertificate } from '../../../src/iam/import-server-certificate';
import { DAY_MS, makeCertificate, type GeneratedCertificate } from '../../support/certs';
import { silentLog } from './fakes';

const iamMock = mockClient(IAMClient);
afterEach(() => iamMock.reset());

const NOW = new Date();
let cert: GeneratedCertificate;
let other: GeneratedCertificate;
beforeAll(async () => {
  cert = await makeCertificate({ commonName: 'www.example.com', keyAlgorithm: 'EC-P256', notAfter: new Date(NOW.getTime() + 90 * DAY_MS) });
  other = await makeCertificate({ commonName: 'other.example.com', keyAlgorithm: 'EC-P256' });
});

const noSuchEntity = () => new NoSuchEntityException({ $metadata: { httpStatusCode: 404 }, message: 'not found' });
const metadata = (path = '/cloudfront/www/') => ({
  ServerCertificateName: 'www',
  ServerCertificateId: 'ASCAEXAMPLE',
  Path: path,
  Arn: `arn:aws:iam::123456789012:server-certificate${path}www`,
  UploadDate: NOW,
  Expiration: new Date(NOW.getTime() + 90 * DAY_MS),
});

function deps(material: { certificateBody: string; privateKey: string; certificateChain?: string } = { certificateBody: cert.certificatePem, privateKey: cert.privateKeyPem }) {
  let reads = 0;
  return {
    deps: { iam: new IAMClient({}), readMaterial: async () => (reads++, material), now: () => NOW, log: silentLog },
    reads: () => reads,
  };
}

describe('validateAndUploadServerCertificate', () => {
  it('uploads a valid certificate under a free name and says whether CloudFront can use it', async () => {
    iamMock.on(GetServerCertificateCommand).rejects(noSuchEntity());
    iamMock.on(UploadServerCertificateCommand).resolves({ ServerCertificateMetadata: metadata() });

    const imported = await validateAndUploadServerCertificate(deps().deps, { serverCertificateName: 'www', path: '/cloudfront/www/' });

    expect(imported).toEqual({
      serverCertificateName: 'www',
      serverCertificateId: 'ASCAEXAMPLE',
      arn: 'arn:aws:iam::123456789012:server-certificate/cloudfront/www/www',
      path: '/cloudfront/www/',
      expiration: metadata().Expiration.toISOString(),
      usableByCloudFront: true,
      alreadyImported: false,
    });
    expect(iamMock.commandCalls(UploadServerCertificateCommand)[0]?.args[0].input).toMatchObject({
      ServerCertificateName: 'www',
      Path: '/cloudfront/www/',
      CertificateBody: cert.certificatePem,
    });
  });

  it.each([
    ['a name with a space', { serverCertificateName: 'my cert', path: '/' }, 'InvalidCertificateNameError', 'name-follows-aws-rules'],
    ['a name longer than 128', { serverCertificateName: 'a'.repeat(129), path: '/' }, 'InvalidCertificateNameError', 'name-follows-aws-rules'],
    ['a path without its trailing slash', { serverCertificateName: 'www', path: '/cloudfront/www' }, 'InvalidCertificatePathError', 'path-follows-aws-rules'],
    ['a path with a space', { serverCertificateName: 'www', path: '/a b/' }, 'InvalidCertificatePathError', 'path-follows-aws-rules'],
  ])('rejects %s before reading the secret', async (_, request, name, rule) => {
    const { deps: d, reads } = deps();
    await expect(validateAndUploadServerCertificate(d, request)).rejects.toMatchObject({ name, rule });
    expect(reads()).toBe(0);
    expect(iamMock.calls()).toHaveLength(0);
  });

  it('rejects a key from another certificate and uploads nothing', async () => {
    const { deps: d } = deps({ certificateBody: cert.certificatePem, privateKey: other.privateKeyPem });
    await expect(validateAndUploadServerCertificate(d, { serverCertificateName: 'www', path: '/' })).rejects.toMatchObject({
      name: 'KeyPairMismatchError',
      rule: 'private-key-matches-certificate',
    });
    expect(iamMock.commandCalls(UploadServerCertificateCommand)).toHaveLength(0);
  });

  it('rejects a name that holds another certificate, naming the rule and the ARN in the way', async () => {
    iamMock.on(GetServerCertificateCommand).resolves({
      ServerCertificate: { ServerCertificateMetadata: metadata('/'), CertificateBody: other.certificatePem },
    });
    await expect(validateAndUploadServerCertificate(deps().deps, { serverCertificateName: 'www', path: '/' })).rejects.toMatchObject({
      name: 'CertificateNameTakenError',
      rule: 'name-not-taken',
      existingArn: 'arn:aws:iam::123456789012:server-certificate/www',
    });
    expect(iamMock.commandCalls(UploadServerCertificateCommand)).toHaveLength(0);
  });

  it('reports an earlier upload of the same certificate instead of failing (rerun after a crash)', async () => {
    iamMock.on(GetServerCertificateCommand).resolves({
      ServerCertificate: { ServerCertificateMetadata: metadata('/'), CertificateBody: cert.certificatePem.replace(/\n/g, '\r\n') },
    });
    const imported = await validateAndUploadServerCertificate(deps().deps, { serverCertificateName: 'www', path: '/' });
    expect(imported).toMatchObject({ alreadyImported: true, arn: 'arn:aws:iam::123456789012:server-certificate/www', usableByCloudFront: false });
    expect(iamMock.commandCalls(UploadServerCertificateCommand)).toHaveLength(0);
  });

  it('translates IAM\'s own KeyPairMismatch into the rule error', async () => {
    iamMock.on(GetServerCertificateCommand).rejects(noSuchEntity());
    iamMock.on(UploadServerCertificateCommand).rejects(new KeyPairMismatchException({ $metadata: {}, message: 'mismatch' }));
    await expect(validateAndUploadServerCertificate(deps().deps, { serverCertificateName: 'www', path: '/' })).rejects.toMatchObject({
      name: 'KeyPairMismatchError',
    });
  });
});

describe('readBackServerCertificate', () => {
  it('fails when IAM holds another certificate under the name', async () => {
    iamMock.on(GetServerCertificateCommand).resolves({
      ServerCertificate: { ServerCertificateMetadata: { ...metadata('/'), ServerCertificateId: 'ASCAOTHER' }, CertificateBody: '' },
    });
    await expect(
      readBackServerCertificate(new IAMClient({}), { serverCertificateName: 'www', serverCertificateId: 'ASCAEXAMPLE', arn: metadata('/').Arn }, silentLog),
    ).rejects.toMatchObject({ name: 'UploadNotConfirmedError' });
  });
});
