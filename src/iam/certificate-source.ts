/**
 * Reads the certificate material to import from its source secret's AWSCURRENT version. The
 * value never reaches a log or an error.
 */
import { GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { parseValue, translateSecretsError, type SecretsClient } from '../secrets/credential-store';
import { CertificateSourceError } from './errors';
import type { CertificateMaterial } from './validate-server-certificate';
import { certificateMaterialSchema } from './workflow-inputs';

/**
 * One GetSecretValue, which reads AWSCURRENT when no version is named: a missing secret and one
 * without an AWSCURRENT version both answer ResourceNotFoundException, so no DescribeSecret
 * (nor its grant) is needed to tell the operator what to fix.
 */
export async function readSourceMaterial(secrets: SecretsClient, sourceSecretId: string): Promise<CertificateMaterial> {
  let out;
  try {
    out = await secrets.send(new GetSecretValueCommand({ SecretId: sourceSecretId }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new CertificateSourceError(sourceSecretId, 'does not exist or has no AWSCURRENT version', { cause: error });
    }
    throw translateSecretsError(error, sourceSecretId);
  }
  return parseValue(sourceSecretId, out.VersionId ?? 'AWSCURRENT', out.SecretString, certificateMaterialSchema);
}
