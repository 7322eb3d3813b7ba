/**
 * Slack notification errors. Never carry the webhook URL (it is a secret: whoever holds it can
 * post to the channel), only the secret id that holds it and the HTTP status.
 */
import { InputTargetError, KeyturnError } from '../errors';

/** The webhook secret (input field slackWebhookSecretId) is missing, or does not hold an http(s) URL. */
export class SlackWebhookSecretInvalidError extends InputTargetError {
  override name = 'SlackWebhookSecretInvalidError' as const;
  readonly secretId: string;
  constructor(secretId: string, problem: string, options?: { cause?: unknown }) {
    super('slackWebhookSecretId', `slack webhook secret ${secretId} ${problem}`, options);
    this.secretId = secretId;
  }
}

/** Slack refused the message (4xx other than 429): retrying will not help. */
export class SlackRequestRejectedError extends KeyturnError {
  override name = 'SlackRequestRejectedError' as const;
  readonly status: number;
  constructor(status: number, body: string) {
    super(`slack rejected the message: HTTP ${status} ${body.slice(0, 100)}`);
    this.status = status;
  }
}

/** Slack kept failing (429, 5xx, timeouts) through every attempt; worth retrying later. */
export class SlackUnavailableError extends KeyturnError {
  override name = 'SlackUnavailableError' as const;
}
