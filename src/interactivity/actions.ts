/**
 * keyturn's buttons, as the messages that carry them and the endpoint that takes their clicks
 * both name them: a module of its own, so a notifier bundles these two lines and not the endpoint.
 */
import * as z from '../zod';

/** The "Retry" button on a failed rotation's message. */
export const RETRY_ACTION_ID = 'keyturn.retry';

/** What the Retry button carries: the config target (for the allow-list) and the failed execution. */
export const retryButtonValueSchema = z.strictObject({ target: z.string().check(z.minLength(1)), executionArn: z.string().check(z.minLength(1)) });

export type RetryButtonValue = z.output<typeof retryButtonValueSchema>;

/** "Snooze 7 days" on a certificate in the expiry digest. */
export const SNOOZE_ACTION_ID = 'keyturn.snooze';

/** What the Snooze button carries: the config target (for the allow-list) and the certificate. */
export const snoozeButtonValueSchema = z.strictObject({ target: z.string().check(z.minLength(1)), arn: z.string().check(z.minLength(1)), name: z.string().check(z.minLength(1)) });

export type SnoozeButtonValue = z.output<typeof snoozeButtonValueSchema>;

/** "Approve" and "Reject" on a rotation waiting at its approval gate (src/rotation/approval.ts). */
export const APPROVE_ACTION_ID = 'keyturn.approve';
export const REJECT_ACTION_ID = 'keyturn.reject';

/** What Approve and Reject carry: the waiting execution and its gate (never the task token), and the config target. */
export const approvalButtonValueSchema = z.strictObject({
  executionArn: z.string().check(z.minLength(1)),
  gate: z.enum(['start', 'retire']),
  target: z.optional(z.string().check(z.minLength(1))),
});

export type ApprovalButtonValue = z.output<typeof approvalButtonValueSchema>;

/** "Rotate anyway" on `/keyturn rotate`'s answer when the target is not due. */
export const ROTATE_ANYWAY_ACTION_ID = 'keyturn.rotate-anyway';

/** What it carries: the target, and the dry run that found it not due (the forced run's name derives from it). */
export const rotateAnywayButtonValueSchema = z.strictObject({ target: z.string().check(z.minLength(1)), planExecutionName: z.string().check(z.minLength(1), z.maxLength(76)) });

/** "Import renewed" on a certificate in the expiry digest that an import target renews. */
export const IMPORT_ACTION_ID = 'keyturn.import-renewed';

/** What it carries: the import target (for the allow-list and what to start) and the certificate it renews. */
export const importButtonValueSchema = z.strictObject({ target: z.string().check(z.minLength(1)), name: z.string().check(z.minLength(1)) });

export type ImportButtonValue = z.output<typeof importButtonValueSchema>;
