import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from '../../../src/zod';
import { slackAccessSchema } from '../../../src/interactivity/access';
import { handleSlackRequest, responseUrlAllowed, type EndpointDeps } from '../../../src/interactivity/endpoint';
import { slackSignature } from '../../../src/interactivity/slack-request';

const sfn = mockClient(SFNClient);
const SECRET = 'signing-secret-for-tests';
const NOW = new Date('2026-12-05T12:00:00Z');
const FAILED = 'arn:aws:states:us-east-1:123456789012:execution:keyturn-rotate-cloudfront-key-dev:nightly-1';
const posted: { url: string; body: Record<string, unknown> }[] = [];
const warnings: string[] = [];

const deps: EndpointDeps = {
  states: new SFNClient({}),
  secrets: new SecretsManagerClient({}),
  signingSecret: async () => SECRET,
  access: z.parse(slackAccessSchema, { allow: { retry: { users: ['U0ONCALL'] } } }),
  targets: [],
  stage: 'dev',
  responseUrlPrefixes: [],
  fetch: async (url, init) => {
    posted.push({ url, body: JSON.parse(init.body) as Record<string, unknown> });
    return { status: 200, text: async () => 'ok', headers: { get: () => null } };
  },
  sleep: async () => {},
  now: () => NOW,
  log: { debug() {}, info() {}, warn: (message: string) => warnings.push(message), error() {} },
};

afterEach(() => {
  sfn.reset();
  posted.length = 0;
  warnings.length = 0;
});

function request(body: string, contentType = 'application/x-www-form-urlencoded') {
  const timestamp = String(NOW.getTime() / 1000);
  return { headers: { 'content-type': contentType, 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(SECRET, timestamp, body) }, body };
}

const interaction = (actionId: string, value: string, responseUrl = 'https://hooks.slack.com/actions/T0/1/abc') =>
  request(new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U0ONCALL' }, actions: [{ action_id: actionId, value }], response_url: responseUrl }) }).toString());

describe('handleSlackRequest', () => {
  it('answers 400 to a signed body that is not form-encoded, or not an interaction it knows, and calls nothing', async () => {
    expect(await handleSlackRequest(deps, request('{"type":"block_actions"}', 'application/json'))).toMatchObject({ statusCode: 400 });
    expect(await handleSlackRequest(deps, request(`payload=${encodeURIComponent('{"type":"view_submission"}')}`))).toMatchObject({ statusCode: 400 });
    expect(await handleSlackRequest(deps, interaction('keyturn.retry', 'not json'))).toMatchObject({ statusCode: 400, body: expect.stringContaining("button's value") });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('tells the user an unknown action id did nothing (ephemeral), escaping what it echoes', async () => {
    expect(await handleSlackRequest(deps, interaction('<!channel>', '{}'))).toMatchObject({ statusCode: 200 });
    expect(posted).toEqual([{ url: 'https://hooks.slack.com/actions/T0/1/abc', body: expect.objectContaining({ response_type: 'ephemeral', text: expect.stringContaining('&lt;!channel&gt;') }) }]);
    expect(sfn.calls()).toHaveLength(0);
  });

  it("tells the user when AWS refuses the action, and still answers Slack 200", async () => {
    sfn.on(DescribeExecutionCommand).rejects(Object.assign(new Error('not authorized to perform states:DescribeExecution'), { name: 'AccessDeniedException' }));
    const value = JSON.stringify({ target: 'media', executionArn: FAILED });
    expect(await handleSlackRequest(deps, interaction('keyturn.retry', value))).toMatchObject({ statusCode: 200 });
    expect(posted).toEqual([{ url: 'https://hooks.slack.com/actions/T0/1/abc', body: expect.objectContaining({ response_type: 'ephemeral', text: expect.stringContaining('could not retry media (AccessDeniedException)') }) }]);
  });

  it('acts, but posts nothing, when the response_url is not a Slack URL (nor an allowed prefix)', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:keyturn-rotate-cloudfront-key-dev', input: '{}' });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:new' });
    const value = JSON.stringify({ target: 'media', executionArn: FAILED });
    expect(await handleSlackRequest(deps, interaction('keyturn.retry', value, 'https://attacker.example/actions/1'))).toMatchObject({ statusCode: 200 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(posted).toEqual([]);
    expect(warnings).toContain('slack response_url refused');
  });
});

describe('responseUrlAllowed', () => {
  it("takes Slack's response URLs and the configured prefixes only", () => {
    expect(responseUrlAllowed('https://hooks.slack.com/actions/T0/1/abc', [])).toBe(true);
    expect(responseUrlAllowed('https://hooks.slack.com/services/T0/B0/x', [])).toBe(false);
    expect(responseUrlAllowed('http://hooks.slack.com/actions/T0/1/abc', [])).toBe(false);
    expect(responseUrlAllowed('https://user@hooks.slack.com/actions/T0', [])).toBe(false);
    expect(responseUrlAllowed('http://127.0.0.1:4566/_sim/slack/actions/3', ['http://127.0.0.1:4566/_sim/slack/'])).toBe(true);
  });
});
