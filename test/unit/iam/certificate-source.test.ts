import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readSourceMaterial } from '../../../src/iam/certificate-source';
import { CertificateSourceError } from '../../../src/iam/errors';

const smMock = mockClient(SecretsManagerClient);
afterEach(() => smMock.reset());

const SOURCE = 'keyturn/certificates/www';

describe('readSourceMaterial', () => {
  it('reads the AWSCURRENT material with one GetSecretValue', async () => {
    smMock.on(GetSecretValueCommand).resolves({ VersionId: 'v1', SecretString: JSON.stringify({ certificateBody: 'BODY', privateKey: 'KEY' }) });

    expect(await readSourceMaterial(new SecretsManagerClient({}), SOURCE)).toEqual({ certificateBody: 'BODY', privateKey: 'KEY' });
    expect(smMock.calls()).toHaveLength(1);
    expect(smMock.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: SOURCE });
  });

  it('names the field when the secret, or its AWSCURRENT version, is missing', async () => {
    smMock.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ $metadata: { httpStatusCode: 400 }, message: 'not found' }));

    const attempt = readSourceMaterial(new SecretsManagerClient({}), SOURCE);

    await expect(attempt).rejects.toBeInstanceOf(CertificateSourceError);
    await expect(attempt).rejects.toThrow(/^sourceSecretId: source secret keyturn\/certificates\/www does not exist or has no AWSCURRENT version$/);
  });
});
