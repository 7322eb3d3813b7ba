/** Task "Read certificate back from IAM": confirm IAM holds what was uploaded. */
import * as z from '../../src/zod';
import { iamClient } from '../../src/aws/clients';
import { confirmServerCertificate } from '../../src/iam/import-server-certificate';
import { stepHandler } from './lib/wiring';

const eventSchema = z.strictObject({ serverCertificateName: z.string(), serverCertificateId: z.string(), arn: z.string() });

export const handler = stepHandler(
  eventSchema,
  async (certificate, deps) => confirmServerCertificate(deps.iam, certificate, deps.log),
  { iam: iamClient },
);
