/** Task "Read certificate back from IAM": confirm IAM holds what was uploaded. */
import * as z from '../../src/zod';
import { iamClient } from '../../src/aws/clients';
import { targetAccountSchema } from '../../src/aws/target-account';
import { readBackServerCertificate } from '../../src/iam/import-server-certificate';
import { stepHandler } from './lib/wiring';

const eventSchema = z.strictObject({
  serverCertificateName: z.string(),
  serverCertificateId: z.string(),
  arn: z.string(),
  executionName: z.optional(z.string()),
  /** Where the certificate was uploaded: `account` when not keyturn's own. */
  target: z._default(z.strictObject({ account: z.optional(targetAccountSchema) }), {}),
});

export const handler = stepHandler(
  eventSchema,
  async ({ serverCertificateName, serverCertificateId, arn }, deps) =>
    readBackServerCertificate(deps.iam, { serverCertificateName, serverCertificateId, arn }, deps.log),
  { iam: iamClient },
);
