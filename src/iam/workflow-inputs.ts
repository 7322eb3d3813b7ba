/**
 * The inputs of check-iam-cert-expiry and import-iam-server-cert, validated once at the edge:
 * unknown fields are rejected and defaults applied; each step's handler checks its event against
 * these (src/lambda/step-handler.ts), so a failure names the field and the rule without echoing
 * the value.
 */
import * as z from '../zod';
import { labelledAccountSchema, targetAccountSchema } from '../aws/target-account';
import { DEFAULT_THRESHOLDS_DAYS } from './classify-expiry';
import { targetNameField } from '../validation';

const secretId = z.string().check(z.minLength(1, 'must be a secret name or ARN'), z.maxLength(2048));

/** Accounts one digest may cover: one line each, and the digest stays within Slack's 50 blocks. */
export const MAX_ACCOUNTS = 50;

export const expiryCheckInputSchema = z
  .strictObject({
    pathPrefix: z._default(
      z.string().check(z.regex(/^\/([\u0021-\u007E]*)$/, 'must begin with / and hold only printable ASCII'), z.maxLength(512)),
      '/',
    ),
    thresholdsDays: z._default(
      z
        .array(z.number().check(z.int('must be whole days'), z.minimum(0, 'must be 0 or more'), z.maximum(3650, 'must be at most 3650')))
        .check(z.minLength(1, 'needs at least one threshold'), z.maxLength(10, 'at most 10 thresholds')),
      [...DEFAULT_THRESHOLDS_DAYS],
    ),
    slackWebhookSecretId: secretId,
    mutedCertificateNames: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.maxLength(1000)), []),
    accountLabel: z.optional(z.string().check(z.minLength(1), z.maxLength(80))),
    /** The keyturn.config.yml target this run is for (set by the schedule and `keyturn run --target`): the digest's buttons name it. */
    target: z.optional(targetNameField()),
    /** Certificate name → the import target that renews it (set by keyturn from the import targets' `renews`): the digest offers "Import renewed". */
    imports: z.optional(z.record(z.string().check(z.minLength(1), z.maxLength(128)), targetNameField())),
    /** The account whose certificates are checked, when not keyturn's own (src/aws/target-account.ts). */
    account: z.optional(targetAccountSchema),
    /** Several accounts in one digest (a Map state checks each), one line per account with its label. */
    accounts: z.optional(
      z.array(labelledAccountSchema).check(
        z.minLength(1, 'needs at least one account'),
        z.maxLength(MAX_ACCOUNTS, `at most ${MAX_ACCOUNTS} accounts`),
        z.superRefine((accounts, ctx) => {
          const seen = new Set<string>();
          accounts.forEach((a, index) => {
            if (seen.has(a.label)) ctx.addIssue({ code: 'custom', path: [index, 'label'], message: 'must be unique among the accounts' });
            seen.add(a.label);
          });
        }),
      ),
    ),
    /** Classify and report, sending nothing to Slack and remembering nothing. */
    dryRun: z._default(z.boolean(), false),
  })
  .check(
    z.superRefine((input, ctx) => {
      if (input.accounts !== undefined && input.account !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['accounts'], message: 'cannot be combined with account (or a target-level accountId/roleArn/region): list every account in accounts' });
      }
    }),
  );
export type ExpiryCheckInput = z.infer<typeof expiryCheckInputSchema>;

export const importInputSchema = z.strictObject({
  sourceSecretId: secretId,
  // The AWS name and path rules are checked by validateAndUploadServerCertificate, which names each rule.
  serverCertificateName: z.string().check(z.maxLength(1024, 'must be at most 1024 characters')),
  path: z._default(z.string().check(z.maxLength(1024, 'must be at most 1024 characters')), '/'),
  /** The server certificate this import renews (its name): the expiry digest offers "Import renewed" on it. */
  renews: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  slackWebhookSecretId: z.optional(secretId),
  /** The account to upload into, when not keyturn's own (src/aws/target-account.ts). */
  account: z.optional(targetAccountSchema),
  /** Validate only: report whether it would upload, uploading nothing. */
  dryRun: z._default(z.boolean(), false),
});
export type ImportInput = z.infer<typeof importInputSchema>;

/** The source secret's JSON value. */
export const certificateMaterialSchema = z.object({
  certificateBody: z.string().check(z.minLength(1)),
  privateKey: z.string().check(z.minLength(1)),
  certificateChain: z.optional(z.string()),
});
