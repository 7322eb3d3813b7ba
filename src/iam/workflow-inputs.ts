/**
 * The inputs of check-iam-cert-expiry and import-iam-server-cert, validated once at the edge:
 * unknown fields are rejected and defaults applied; each step's handler checks its event against
 * these (src/lambda/step-handler.ts), so a failure names the field and the rule without echoing
 * the value.
 */
import * as z from 'zod';
import { labelledAccountSchema, targetAccountSchema } from '../aws/target-account';
import { DEFAULT_THRESHOLDS_DAYS } from './classify-expiry';

const secretId = z.string().min(1, 'must be a secret name or ARN').max(2048);

/** Accounts one digest may cover: one line each, and the digest stays within Slack's 50 blocks. */
export const MAX_ACCOUNTS = 50;

export const expiryCheckInputSchema = z
  .strictObject({
  pathPrefix: z
    .string()
    .regex(/^\/([\u0021-\u007E]*)$/, 'must begin with / and hold only printable ASCII')
    .max(512)
    .default('/'),
  thresholdsDays: z
    .array(z.number().int('must be whole days').min(0, 'must be 0 or more').max(3650, 'must be at most 3650'))
    .min(1, 'needs at least one threshold')
    .max(10, 'at most 10 thresholds')
    .default([...DEFAULT_THRESHOLDS_DAYS]),
  slackWebhookSecretId: secretId,
  mutedCertificateNames: z.array(z.string().min(1).max(128)).max(1000).default([]),
  accountLabel: z.string().min(1).max(80).optional(),
  /** The account whose certificates are checked, when not keyturn's own (src/aws/target-account.ts). */
  account: targetAccountSchema.optional(),
  /** Several accounts in one digest (a Map state checks each), one line per account with its label. */
  accounts: z
    .array(labelledAccountSchema)
    .min(1, 'needs at least one account')
    .max(MAX_ACCOUNTS, `at most ${MAX_ACCOUNTS} accounts`)
    .superRefine((accounts, ctx) => {
      const seen = new Set<string>();
      accounts.forEach((a, index) => {
        if (seen.has(a.label)) ctx.addIssue({ code: 'custom', path: [index, 'label'], message: 'must be unique among the accounts' });
        seen.add(a.label);
      });
    })
    .optional(),
  /** Classify and report, sending nothing to Slack and remembering nothing. */
  dryRun: z.boolean().default(false),
})
  .superRefine((input, ctx) => {
    if (input.accounts !== undefined && input.account !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['accounts'], message: 'cannot be combined with account (or a target-level accountId/roleArn/region): list every account in accounts' });
    }
  });
export type ExpiryCheckInput = z.infer<typeof expiryCheckInputSchema>;

export const importInputSchema = z.strictObject({
  sourceSecretId: secretId,
  // The AWS name and path rules are checked by importServerCertificate, which names each rule.
  serverCertificateName: z.string(),
  path: z.string().default('/'),
  slackWebhookSecretId: secretId.optional(),
  /** The account to upload into, when not keyturn's own (src/aws/target-account.ts). */
  account: targetAccountSchema.optional(),
  /** Validate only: report whether it would upload, uploading nothing. */
  dryRun: z.boolean().default(false),
});
export type ImportInput = z.infer<typeof importInputSchema>;

/** The source secret's JSON value. */
export const certificateMaterialSchema = z.object({
  certificateBody: z.string().min(1),
  privateKey: z.string().min(1),
  certificateChain: z.string().optional(),
});
