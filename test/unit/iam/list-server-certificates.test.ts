import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { IAMClient, IAMServiceException, ListServerCertificatesCommand } from '@aws-sdk/client-iam';
import { listServerCertificates } from '../../../src/iam/list-server-certificates';
import { TransientAwsError, UnsafeStateError } from '../../../src/errors';
import { silentLog } from './fakes';

const iamMock = mockClient(IAMClient);
afterEach(() => iamMock.reset());

const meta = (name: string) => ({
  ServerCertificateName: name,
  ServerCertificateId: `ASCA${name.toUpperCase()}`,
  Path: '/',
  Arn: `arn:aws:iam::123456789012:server-certificate/${name}`,
  Expiration: new Date('2027-01-01T00:00:00Z'),
});

describe('listServerCertificates', () => {
  it('asks for 1,000 a page and follows Marker through short and empty pages while IsTruncated is true', async () => {
    iamMock
      .on(ListServerCertificatesCommand, { Marker: undefined })
      .resolves({ ServerCertificateMetadataList: [meta('a')], IsTruncated: true, Marker: 'm1' })
      .on(ListServerCertificatesCommand, { Marker: 'm1' })
      .resolves({ ServerCertificateMetadataList: [], IsTruncated: true, Marker: 'm2' })
      .on(ListServerCertificatesCommand, { Marker: 'm2' })
      .resolves({ ServerCertificateMetadataList: [meta('b'), meta('c')], IsTruncated: false });

    const listed = await listServerCertificates(new IAMClient({}), '/', silentLog);

    expect(listed.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(listed[0]).toEqual({
      name: 'a',
      id: 'ASCAA',
      arn: 'arn:aws:iam::123456789012:server-certificate/a',
      path: '/',
      expiration: '2027-01-01T00:00:00.000Z',
    });
    expect(iamMock.commandCalls(ListServerCertificatesCommand).map((c) => c.args[0].input)).toEqual([
      { PathPrefix: '/', Marker: undefined, MaxItems: 1000 },
      { PathPrefix: '/', Marker: 'm1', MaxItems: 1000 },
      { PathPrefix: '/', Marker: 'm2', MaxItems: 1000 },
    ]);
  });

  it('refuses a truncated page that repeats its marker instead of looping forever', async () => {
    iamMock.on(ListServerCertificatesCommand).resolves({ ServerCertificateMetadataList: [], IsTruncated: true, Marker: 'same' });
    await expect(listServerCertificates(new IAMClient({}), '/', silentLog)).rejects.toBeInstanceOf(UnsafeStateError);
  });

  it('turns throttling left after SDK retries into TransientAwsError for the state machine to retry', async () => {
    iamMock.on(ListServerCertificatesCommand).rejects(
      new IAMServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }),
    );
    await expect(listServerCertificates(new IAMClient({}), '/', silentLog)).rejects.toMatchObject({ name: 'TransientAwsError' });
    await expect(listServerCertificates(new IAMClient({}), '/', silentLog)).rejects.toBeInstanceOf(TransientAwsError);
  });

  it('lets an access denial through unchanged', async () => {
    iamMock.on(ListServerCertificatesCommand).rejects(
      new IAMServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'no' }),
    );
    await expect(listServerCertificates(new IAMClient({}), '/', silentLog)).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
