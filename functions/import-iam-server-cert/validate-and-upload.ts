/**
 * Task "Validate and upload certificate". The only function that sees the private key: it reads
 * the source secret, validates, and uploads, returning names, ids and ARNs only.
 */
import { iamClient, secretsManagerClient } from '../../src/aws/clients';
import { readSourceMaterial } from '../../src/iam/certificate-source';
import { importServerCertificate } from '../../src/iam/import-server-certificate';
import { importInputSchema } from '../../src/iam/workflow-inputs';
import { stepHandler } from './lib/wiring';

export const handler = stepHandler(importInputSchema, async (input, deps) => {
  return importServerCertificate(
    {
      iam: deps.iam,
      readMaterial: () => readSourceMaterial(deps.secrets, input.sourceSecretId),
      now: deps.now,
      log: deps.log,
    },
    { serverCertificateName: input.serverCertificateName, path: input.path },
  );
}, { iam: iamClient, secrets: secretsManagerClient });
