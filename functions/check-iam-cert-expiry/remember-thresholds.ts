/** Task "Remember thresholds seen": after the digest went out, so a failed send re-alerts next run. */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { SEVERITIES } from '../../src/iam/classify-expiry';
import { rememberThresholds } from '../../src/iam/threshold-memory';
import { expiryCheckInputSchema } from '../../src/iam/workflow-inputs';
import { stepHandler } from './lib/wiring';

const eventSchema = z.object({
  config: expiryCheckInputSchema,
  certificates: z.array(z.object({ arn: z.string(), expiration: z.string(), daysLeft: z.number(), severity: z.enum(SEVERITIES) })),
  /** Whether the check found the memory secret; absent: read it first. */
  memoryFound: z.optional(z.boolean()),
});

export const handler = stepHandler(eventSchema, async ({ config, certificates, memoryFound }, deps) => {
  await rememberThresholds(
    deps.secrets,
    deps.memorySecretId,
    { pathPrefix: config.pathPrefix, thresholdsDays: config.thresholdsDays, certificates, memoryFound },
    deps.log,
  );
  return { remembered: certificates.length };
}, { secrets: secretsManagerClient });
