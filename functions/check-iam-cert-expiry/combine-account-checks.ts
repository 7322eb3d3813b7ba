/** Task "Combine the accounts' checks": the Map's results as one check, a line per account. No AWS call. */
import * as z from '../../src/zod';
import { combineAccountChecks, type AccountCheck } from '../../src/iam/combine-account-checks';
import { expiryCheckInputSchema } from '../../src/iam/workflow-inputs';
import { stepHandler } from './lib/wiring';

const accountCheck = z.custom<AccountCheck>(
  (v) => typeof v === 'object' && v !== null && typeof (v as AccountCheck).account?.label === 'string' && ('failure' in v || 'report' in v),
  'must be one account check (account, and report or failure)',
);
const event = z.object({ config: expiryCheckInputSchema, checks: z.array(accountCheck) });

export const handler = stepHandler(event, async ({ config, checks }) => ({ config, ...combineAccountChecks(checks) }), {});
