/**
 * What the two IAM server-certificate workflows share: their retry policy, the note of which step
 * failed, and the rule that a failure Slack caused itself is not reported to Slack.
 */
import { LAMBDA_SERVICE_ERRORS, pass, type ChoiceRule, type Retrier, type State } from './asl';

/** IAM throttles by account: the SDK retries first, then the step, a few times over about a minute. */
const IAM_TRANSIENT_RETRY: Retrier = {
  ErrorEquals: ['TransientAwsError'],
  IntervalSeconds: 5,
  MaxAttempts: 3,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
};

/** The invocation's own failures, before or after the function ran. */
const LAMBDA_RETRY: Retrier = { ErrorEquals: LAMBDA_SERVICE_ERRORS, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' };

/** A step that calls AWS. */
export const EXPIRY_RETRY: readonly Retrier[] = [IAM_TRANSIENT_RETRY, LAMBDA_RETRY];
/**
 * A step that calls no AWS service whose failure would be worth waiting for: combining results,
 * and reporting a failure (a report that fails again ends the run with the original error).
 */
export const INVOCATION_RETRY: readonly Retrier[] = [LAMBDA_RETRY];

/** The Pass that remembers which step failed, for the report: its result is that step's name. */
export function noteFailedStep(name: string, failedStep: string, next: string): State {
  return pass(name, { comment: 'Remember which step failed, for the report.', result: failedStep, resultPath: '$.failedState', next });
}

/** The failure is Slack's own (or the webhook's): telling Slack again would fail the same way. */
export function slackFailedItself(also: readonly string[] = []): ChoiceRule {
  return {
    Or: ['SlackUnavailableError', 'SlackRequestRejectedError', 'SlackWebhookSecretInvalidError', ...also].map((error) => ({
      Variable: '$.failure.Error',
      StringEquals: error,
    })),
  };
}
