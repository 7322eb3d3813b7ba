/**
 * Where a target lives when it is not in keyturn's own account and region (README "Targets in other accounts and regions", "Many
 * accounts and regions"): the role keyturn assumes there and the region its resources are in.
 * Every workflow's input takes it as `account`; the config file fills it from a target's
 * `accountId`, `roleArn` and `region`.
 *
 * Only the client of the target's own service (CloudFront, API Gateway, Lightsail, IAM) acts
 * through the role, in the target's region. Secrets Manager stays keyturn's: the credentials it
 * rotates, the Slack webhook and the expiry memory live in keyturn's account and region, under
 * `keyturn/`, where its roles (and nobody else's) may write them.
 */
import * as z from '../zod';

/** IAM role ARN; the account id is the first group. Names and paths as the IAM model allows. */
/**
 * A concrete IAM role in a known partition: no wildcard (`*`, `?`) anywhere, so the policy that
 * lets keyturn assume it names exactly one role.
 */
export const ROLE_ARN = /^arn:(?:aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[\u0021-\u0029\u002B-\u003E\u0040-\u007E]+\/)?[\w+=,.@-]{1,64}$/;
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

/** Each field's own rule (the config file's target fields use them too). */
export const targetAccountFields = {
  accountId: z.optional(z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'))),
  roleArn: z.optional(z.string().check(z.regex(ROLE_ARN, 'must be an IAM role ARN: arn:aws:iam::<account id>:role/<name> (partition aws, aws-cn or aws-us-gov; no * or ?)'))),
  region: z.optional(z.string().check(z.regex(REGION, 'must be an AWS region such as eu-west-1'))),
};

/** The rules across fields: a role in the named account; no account without a role. */
function checkRoleAccount(account: { accountId?: string | undefined; roleArn?: string | undefined }, ctx: z.core.$RefinementCtx): void {
  const roleAccount = account.roleArn ? ROLE_ARN.exec(account.roleArn)?.[1] : undefined;
  if (account.accountId !== undefined && account.roleArn === undefined) {
    ctx.addIssue({ code: 'custom', path: ['roleArn'], message: 'is required with accountId: keyturn acts in another account only through a role there' });
  }
  if (account.accountId !== undefined && roleAccount !== undefined && roleAccount !== account.accountId) {
    ctx.addIssue({ code: 'custom', path: ['roleArn'], message: `must be a role in account ${account.accountId} (accountId), not ${roleAccount}` });
  }
}

export const targetAccountSchema = z.strictObject(targetAccountFields).check(z.superRefine(checkRoleAccount));

/** One account of a check that covers several (check-iam-cert-expiry's `accounts`): where, and its label. */
export const labelledAccountSchema = z
  .strictObject({ ...targetAccountFields, label: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(80, 'must be at most 80 characters')) })
  .check(z.superRefine(checkRoleAccount));

export type LabelledAccount = z.infer<typeof labelledAccountSchema>;

export type TargetAccount = z.infer<typeof targetAccountSchema>;

/** The account a target's role is in (its `accountId`, or the role ARN's account). */
export function accountOf(account: TargetAccount | undefined): string | undefined {
  return account?.accountId ?? (account?.roleArn ? ROLE_ARN.exec(account.roleArn)?.[1] : undefined);
}

/**
 * The STS session name for an execution: AWS allows 2-64 of `[\w+=,.@-]`, execution names up to
 * 80 characters of a wider set. Other characters become `-`; a longer name keeps its first 64
 * characters (keyturn's execution names start with the target, end with the time).
 */
export function sessionNameFor(executionName: string | undefined): string {
  const name = (executionName ?? 'keyturn').replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return name.length >= 2 ? name : `keyturn-${name}`;
}

/**
 * The target account of a Task's event: the validated `config.account` later steps carry, the
 * `account` of an event that is the workflow input itself, or — for a first step that validates
 * the input itself — the raw input's `account` when it is valid (when it is not, the step's own
 * validation fails before any client is used).
 */
export function targetAccountIn(event: {
  config?: { account?: TargetAccount };
  target?: { account?: TargetAccount };
  account?: TargetAccount;
  input?: unknown;
}): TargetAccount | undefined {
  if (event.config?.account) return event.config.account;
  if (event.target?.account) return event.target.account;
  if (event.account) return event.account;
  const raw = typeof event.input === 'object' && event.input !== null ? (event.input as { account?: unknown }).account : undefined;
  if (raw === undefined) return undefined;
  const parsed = targetAccountSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
