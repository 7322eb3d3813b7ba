/**
 * Reads the certificate material to import from its source secret's AWSCURRENT version,
 * through the shared credential store (src/secrets). The value never reaches a log or an error.
 */
import { describeSecretVersions, requireVersion, type SecretsClient } from '../secrets/credential-store';
import { CertificateSourceError } from './errors';
import type { CertificateMaterial } from './validate-server-certificate';
import { certificateMaterialSchema } from './workflow-inputs';

export async function readSourceMaterial(secrets: SecretsClient, sourceSecretId: string): Promise<CertificateMaterial> {
  const versions = await describeSecretVersions(secrets, sourceSecretId);
  if (!versions) throw new CertificateSourceError(sourceSecretId, 'does not exist');
  if (!versions.currentVersionId) throw new CertificateSourceError(sourceSecretId, 'has no AWSCURRENT version');
  return requireVersion(secrets, sourceSecretId, versions.currentVersionId, certificateMaterialSchema);
}
