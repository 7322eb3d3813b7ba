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
