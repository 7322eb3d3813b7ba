import { describe, expect, it } from 'vitest';
import { SlackRequestRejectedError, SlackRequestUnverifiedError } from '../../../src/interactivity/errors';
import { parseSlackBody, slackSignature, verifySlackRequest, type FunctionUrlRequest } from '../../../src/interactivity/slack-request';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = new Date('2026-12-05T12:00:00Z');
const nowSeconds = String(NOW.getTime() / 1000);
const FORM = 'application/x-www-form-urlencoded';

function signed(body: string, options: { timestamp?: string; secret?: string; base64?: boolean; headers?: Record<string, string> } = {}): FunctionUrlRequest {
  const timestamp = options.timestamp ?? nowSeconds;
  return {
    headers: { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(options.secret ?? SECRET, timestamp, body), 'content-type': FORM, ...options.headers },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
}

describe('verifySlackRequest', () => {
  const body = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions' }))}`;

  it("accepts a body signed with the app's signing secret, and returns its bytes", () => {
    expect(verifySlackRequest(signed(body), SECRET, NOW).toString()).toBe(body);
  });

  it('signs the raw bytes: a base64-encoded Function URL body is decoded before the HMAC, never re-encoded', () => {
    const unicode = `payload=${encodeURIComponent(JSON.stringify({ text: 'clé ✓' }))}&x=a+b`;
    expect(verifySlackRequest(signed(unicode, { base64: true }), SECRET, NOW).toString()).toBe(unicode);
  });

  it('refuses a forged request: another secret, a changed body, or a signature of the wrong shape', () => {
    expect(() => verifySlackRequest(signed(body, { secret: 'not-the-secret' }), SECRET, NOW)).toThrow(SlackRequestUnverifiedError);
    const tampered = { ...signed(body), body: body.replace('block_actions', 'view_submission') };
    expect(() => verifySlackRequest(tampered, SECRET, NOW)).toThrow(/does not match/);
    expect(() => verifySlackRequest(signed(body, { headers: { 'x-slack-signature': 'v0=abc' } }), SECRET, NOW)).toThrow(/does not match/);
  });

  it('refuses a replayed or expired request: more than five minutes either way', () => {
    const old = String(Number(nowSeconds) - 301);
    expect(() => verifySlackRequest(signed(body, { timestamp: old }), SECRET, NOW)).toThrow(/301 seconds from now/);
    expect(() => verifySlackRequest(signed(body, { timestamp: String(Number(nowSeconds) + 301) }), SECRET, NOW)).toThrow(SlackRequestUnverifiedError);
    expect(verifySlackRequest(signed(body, { timestamp: String(Number(nowSeconds) - 300) }), SECRET, NOW).toString()).toBe(body);
  });

  it('refuses a request without the headers, or with a timestamp that is not seconds', () => {
    expect(() => verifySlackRequest({ body, headers: { 'x-slack-signature': 'v0=00' } }, SECRET, NOW)).toThrow(/no X-Slack-Request-Timestamp/);
    expect(() => verifySlackRequest({ body, headers: { 'x-slack-request-timestamp': nowSeconds } }, SECRET, NOW)).toThrow(/no X-Slack-Signature/);
    expect(() => verifySlackRequest(signed(body, { timestamp: '1e9' }), SECRET, NOW)).toThrow(/not a Unix time/);
  });

  it('never puts the body or the signature into its error', () => {
    const request = signed(body, { secret: 'wrong' });
    try {
      verifySlackRequest(request, SECRET, NOW);
      expect.unreachable();
    } catch (error) {
      const text = `${(error as Error).message} ${JSON.stringify(error)}`;
      expect(text).not.toContain('block_actions');
      expect(text).not.toContain(request.headers!['x-slack-signature']!.slice(3));
    }
  });
});

describe('parseSlackBody', () => {
  it('reads an interaction payload and a slash command from a form-encoded body', () => {
    const interaction = `payload=${encodeURIComponent('{"type":"block_actions"}')}`;
    expect(parseSlackBody({ headers: { 'Content-Type': `${FORM}; charset=utf-8` } }, Buffer.from(interaction))).toEqual({ kind: 'interaction', payload: { type: 'block_actions' } });
    expect(parseSlackBody({ headers: { 'content-type': FORM } }, Buffer.from('command=%2Fkeyturn&text=status&user_id=U1'))).toEqual({
      kind: 'command',
      fields: { command: '/keyturn', text: 'status', user_id: 'U1' },
    });
  });

  it('refuses a body that is not form-encoded, a payload that is not JSON, and a form with neither', () => {
    expect(() => parseSlackBody({ headers: { 'content-type': 'application/json' } }, Buffer.from('{"payload":{}}'))).toThrow(SlackRequestRejectedError);
    expect(() => parseSlackBody({ headers: { 'content-type': FORM } }, Buffer.from('payload=%7Bnot-json'))).toThrow(/payload is not JSON/);
    expect(() => parseSlackBody({ headers: { 'content-type': FORM } }, Buffer.from('token=x'))).toThrow(/neither a payload nor a command/);
  });
});
