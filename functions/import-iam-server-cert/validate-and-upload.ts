/**
 * Task "Validate and upload certificate". The only function that sees the private key: it reads
 * the source secret, validates, and uploads, returning names, ids and ARNs only.
 */
import * as z from '../../src/zod';
import { iamClient, secretsManagerClient } from '../../src/aws/clients';
import { readSourceMaterial } from '../../src/iam/certificate-source';
import { validateAndUploadServerCertificate, planServerCertificateImport } from '../../src/iam/import-server-certificate';
import { importInputSchema } from '../../src/iam/workflow-inputs';
import { parseInput } from '../../src/validation';
import { stepHandler } from './lib/wiring';

// The workflow input is checked here (the edge) rather than by the wrapper, so a bad field is
// named as in the input (`sourceSecretId`, not `input.sourceSecretId`).
const event = z.object({ input: z.unknown(), executionName: z.string().check(z.minLength(1)) });

export const handler = stepHandler(event, async (event, deps) => {
  const input = parseInput(importInputSchema, event.input);
  const importDeps = {
    iam: deps.iam,
    readMaterial: () => readSourceMaterial(deps.secrets, input.sourceSecretId),
    now: deps.now,
    log: deps.log,
  };
  const request = { serverCertificateName: input.serverCertificateName, path: input.path };
  // A dry run validates and checks the name, uploading nothing.
  if (input.dryRun) return planServerCertificateImport(importDeps, request);
  const imported = await validateAndUploadServerCertificate(importDeps, request);
  // Where the certificate went, for the read-back (an empty object: keyturn's own account).
  return { ...imported, target: input.account ? { account: input.account } : {} };
}, { iam: iamClient, secrets: secretsManagerClient });
