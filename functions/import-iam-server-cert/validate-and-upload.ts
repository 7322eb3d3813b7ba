/**
 * Task "Validate and upload certificate". The only function that sees the private key: it reads
 * the source secret, validates, and uploads, returning names, ids and ARNs only.
 */
import { iamClient, secretsManagerClient } from '../../src/aws/clients';
import { readSourceMaterial } from '../../src/iam/certificate-source';
import { importServerCertificate, planServerCertificateImport } from '../../src/iam/import-server-certificate';
import { importInputSchema } from '../../src/iam/workflow-inputs';
import { stepHandler } from './lib/wiring';

export const handler = stepHandler(importInputSchema, async (input, deps) => {
  const importDeps = {
    iam: deps.iam,
    readMaterial: () => readSourceMaterial(deps.secrets, input.sourceSecretId),
    now: deps.now,
    log: deps.log,
  };
  const request = { serverCertificateName: input.serverCertificateName, path: input.path };
  // A dry run validates and checks the name, uploading nothing.
  return input.dryRun ? planServerCertificateImport(importDeps, request) : importServerCertificate(importDeps, request);
}, { iam: iamClient, secrets: secretsManagerClient });
