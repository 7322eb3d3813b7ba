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
