/**
 * Task "Check certificate expiry": validates the input (the edge), then lists, classifies, emits
 * metrics and compares with the last run. With `accounts`, it only validates: the Map state that
 * follows checks each account (check-account-certificates.ts).
 */
import * as z from '../../src/zod';
import { iamClient, secretsManagerClient } from '../../src/aws/clients';
import { expiryCheckInputSchema } from '../../src/iam/workflow-inputs';
import { parseInput } from '../../src/validation';
import { checkExpiry } from './lib/check-expiry';
import { expiryMetrics, stepHandler } from './lib/wiring';

const event = z.object({ input: z.unknown(), executionName: z.string().check(z.minLength(1)) });

export const handler = stepHandler(event, async ({ input }, deps) => {
  const config = parseInput(expiryCheckInputSchema, input);
  if (config.accounts) return { config, perAccount: true };
  return { config, ...(await checkExpiry(deps, config)) };
}, { iam: iamClient, secrets: secretsManagerClient, metrics: expiryMetrics });
