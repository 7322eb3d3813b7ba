/** Task "Check one account's certificates" (in the Map over `accounts`): the check, in that account. */
import * as z from '../../src/zod';
import { iamClient, secretsManagerClient } from '../../src/aws/clients';
import { accountOf, labelledAccountSchema } from '../../src/aws/target-account';
import { expiryCheckInputSchema } from '../../src/iam/workflow-inputs';
import { checkExpiry } from './lib/check-expiry';
import { expiryMetrics, stepHandler } from './lib/wiring';

// `account` is also what src/lambda/step-handler.ts reads to act in that account.
const event = z.object({ config: expiryCheckInputSchema, account: labelledAccountSchema });

export const handler = stepHandler(event, async ({ config, account }, deps) => {
  const result = await checkExpiry(deps, config);
  const accountId = accountOf(account);
  return { account: { label: account.label, ...(accountId && { accountId }) }, ...result };
}, { iam: iamClient, secrets: secretsManagerClient, metrics: expiryMetrics });
