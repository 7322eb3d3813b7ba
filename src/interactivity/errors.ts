/**
 * Errors of the Slack interactivity endpoint. None carries the request body, a signature, a
 * token or the signing secret: each names the check or the rule that failed.
 */
import { KeyturnError } from '../errors';

/** The request is not provably Slack's (signature, timestamp): answer 401 and start nothing. */
export class SlackRequestUnverifiedError extends KeyturnError {
  override name = 'SlackRequestUnverifiedError' as const;
}

/** A verified request keyturn cannot act on (not form-encoded, no payload, an unknown shape): answer 400. */
export class SlackRequestRejectedError extends KeyturnError {
  override name = 'SlackRequestRejectedError' as const;
}
