/**
 * A request from Slack (a button click or a slash command) as a Lambda Function URL hands it
 * over, verified the way Slack requires ("Verifying requests from Slack"): the `v0` signature is
 * HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>` under the app's signing secret,
 * compared in constant time, and a timestamp more than five minutes from now is refused, so a
 * captured request cannot be replayed later. The HMAC is computed over the body's bytes exactly as
 * they arrived (base64-decoded when the Function URL says so), never over a re-encoded parse.
 *
 * Nothing here logs or echoes the body, the signature or the secret: an error names only which
 * check failed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SlackRequestRejectedError, SlackRequestUnverifiedError } from './errors';

/** Slack's window: "if the timestamp is more than five minutes from local time, it could be a replay attack". */
export const MAX_REQUEST_AGE_SECONDS = 300;

/** The parts of a Function URL event (payload format 2.0) a Slack request needs. */
export interface FunctionUrlRequest {
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
}

/** The body's bytes as Slack sent them. */
export function rawBody(request: FunctionUrlRequest): Buffer {
  const body = request.body ?? '';
  return request.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** A header by its name in any case (Function URLs lower-case them; tests and proxies may not). */
export function header(request: FunctionUrlRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** `v0=<hex>` for a body at a timestamp: what Slack sends, and what the simulator's Slack signs with. */
export function slackSignature(signingSecret: string, timestamp: string, body: Buffer | string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  return `v0=${hmac.digest('hex')}`;
}

/**
 * Verifies the request and returns its body's bytes. Throws SlackRequestUnverifiedError (answer
 * 401, start nothing) naming the check that failed: a missing header, a timestamp that is not a
 * whole number of seconds or is out of the window, or a signature that does not match.
 */
export function verifySlackRequest(request: FunctionUrlRequest, signingSecret: string, now: Date): Buffer {
  const timestamp = header(request, 'x-slack-request-timestamp');
  const signature = header(request, 'x-slack-signature');
  if (!timestamp) throw new SlackRequestUnverifiedError('no X-Slack-Request-Timestamp header');
  if (!signature) throw new SlackRequestUnverifiedError('no X-Slack-Signature header');
  if (!/^\d{1,12}$/.test(timestamp)) throw new SlackRequestUnverifiedError('X-Slack-Request-Timestamp is not a Unix time in seconds');
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp));
  if (skew > MAX_REQUEST_AGE_SECONDS) {
    throw new SlackRequestUnverifiedError(`X-Slack-Request-Timestamp is ${skew} seconds from now (at most ${MAX_REQUEST_AGE_SECONDS}): a replay, or a clock that is off`);
  }
  const body = rawBody(request);
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, body), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch is itself no secret (the format is public).
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SlackRequestUnverifiedError('X-Slack-Signature does not match the body signed with the signing secret');
  }
  return body;
}

/** What Slack posts: a slash command's fields, or an interaction's `payload` (JSON), form-encoded. */
export type SlackBody = { kind: 'command'; fields: Record<string, string> } | { kind: 'interaction'; payload: unknown };

/**
 * Parses a verified body. Slack posts `application/x-www-form-urlencoded`; anything else (JSON, an
 * empty body, a payload that is not JSON) is refused with SlackRequestRejectedError (answer 400).
 */
export function parseSlackBody(request: FunctionUrlRequest, body: Buffer): SlackBody {
  const type = header(request, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new SlackRequestRejectedError('the body is not form-encoded (application/x-www-form-urlencoded)');
  const form = new URLSearchParams(body.toString('utf8'));
  const payload = form.get('payload');
  if (payload !== null) {
    try {
      return { kind: 'interaction', payload: JSON.parse(payload) as unknown };
    } catch {
      throw new SlackRequestRejectedError('payload is not JSON');
    }
  }
  if (form.get('command') !== null) return { kind: 'command', fields: Object.fromEntries(form) };
  throw new SlackRequestRejectedError('the body holds neither a payload nor a command');
}
