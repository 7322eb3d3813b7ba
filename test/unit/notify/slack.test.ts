import { DescribeSecretCommand, GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackRequestRejectedError, SlackUnavailableError, SlackWebhookSecretInvalidError } from '../../../src/notify/errors';
import { rotationFailedMessage } from '../../../src/notify/rotation-messages';
import { notifySlack, notifySlackOnce, postSlackMessage, readWebhookUrl, type HttpPost } from '../../../src/notify/slack';

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'us-east-1' });
const URL = 'https://hooks.slack.com/services/T0/B0/SECRETPART';
const logged: unknown[] = [];
const log = { debug() {}, info: (...a: unknown[]) => void logged.push(a), warn: (...a: unknown[]) => void logged.push(a), error() {} };
const sleeps: number[] = [];
const sleep = async (ms: number) => void sleeps.push(ms);
const reply = (status: number, headers: Record<string, string> = {}) => ({ status, text: async () => 'body', headers: { get: (n: string) => headers[n] ?? null } });
const message = { text: 't', blocks: [] };

afterEach(() => {
  sm.reset();
  logged.length = 0;
  sleeps.length = 0;
});

describe('readWebhookUrl', () => {
  it('reads a plain URL or JSON { url }', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: URL }).resolves({ SecretString: JSON.stringify({ url: URL }) });
    expect(await readWebhookUrl(client, 'keyturn/slack')).toBe(URL);
    expect(await readWebhookUrl(client, 'keyturn/slack')).toBe(URL);
  });

  it('fails clearly, without the value, when the secret is missing or holds no URL', async () => {
    sm.on(GetSecretValueCommand).rejectsOnce(new ResourceNotFoundException({ message: 'no', $metadata: {} })).resolves({ SecretString: 'not a url SECRETPART' });
    await expect(readWebhookUrl(client, 'keyturn/slack')).rejects.toBeInstanceOf(SlackWebhookSecretInvalidError);
    const error = await readWebhookUrl(client, 'keyturn/slack').catch((e: Error) => e);
    expect(error).toBeInstanceOf(SlackWebhookSecretInvalidError);
    expect((error as Error).message).not.toContain('SECRETPART');
  });

  it('refuses, naming the rule and never the URL, a webhook that is not Slack\'s nor under an allowed prefix; nothing is posted', async () => {
    const refused = [
      'http://hooks.slack.com/services/T0/B0/SECRETPART', // not https
      'https://hooks.slack.com/api/chat.postMessage?SECRETPART', // not an incoming webhook
      'https://hooks.slack.com.evil.example/services/SECRETPART',
      'https://hooks.slack.com@evil.example/services/SECRETPART',
      'https://hooks.slack.com:8443/services/SECRETPART',
      'http://169.254.169.254/latest/meta-data/SECRETPART', // an internal address
      'https://proxy.example.com/slackish/SECRETPART', // beside the allowed prefix, not under it
      'https://proxy.example.com.evil.example/slack/SECRETPART',
    ];
    for (const url of refused) {
      sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url }) });
      const error = (await readWebhookUrl(client, 'keyturn/slack', ['https://proxy.example.com/slack/']).catch((e: unknown) => e)) as Error;
      expect(error, url).toBeInstanceOf(SlackWebhookSecretInvalidError);
      expect(error.message).toContain('must be a Slack incoming webhook (https://hooks.slack.com/services/');
      expect(error.message).not.toContain('SECRETPART');
    }
    const posts: unknown[] = [];
    const fetch: HttpPost = async (...args) => (posts.push(args), reply(200));
    await expect(notifySlack({ secrets: client, fetch, sleep: async () => undefined, log }, 'keyturn/slack', message)).rejects.toBeInstanceOf(SlackWebhookSecretInvalidError);
    expect(posts).toEqual([]);
  });

  it('accepts Slack and GovSlack webhooks, and URLs under an allowed prefix (a proxy, the simulator sink)', async () => {
    const accepted: [string, string[]][] = [
      ['https://hooks.slack.com/services/T0/B0/x', []],
      ['https://hooks.slack-gov.com/services/T0/B0/x', []],
      ['https://proxy.example.com/slack/T0/B0/x', ['https://proxy.example.com/slack/']],
      ['http://127.0.0.1:4566/_sim/slack/services/T0/B0/x', ['http://127.0.0.1:4566/_sim/slack/']],
    ];
    for (const [url, prefixes] of accepted) {
      sm.on(GetSecretValueCommand).resolves({ SecretString: url });
      expect(await readWebhookUrl(client, 'keyturn/slack', prefixes)).toBe(url);
    }
  });

  it('names the input field that points at the secret (invariant 8)', async () => {
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    const error = (await readWebhookUrl(client, 'keyturn/slack/missing').catch((e: unknown) => e)) as SlackWebhookSecretInvalidError;
    expect(error.field).toBe('slackWebhookSecretId');
    expect(error.message).toMatch(/^slackWebhookSecretId: slack webhook secret keyturn\/slack\/missing does not exist$/);
  });
});

describe('notifySlackOnce', () => {
  it('posts once per rotation: a rerun that finds the marker on the secret posts nothing', async () => {
    const posts: unknown[] = [];
    const fetch: HttpPost = async (...args) => (posts.push(args), reply(200));
    const tags: { Key?: string; Value?: string }[] = [];
    sm.on(GetSecretValueCommand).resolves({ SecretString: URL });
    sm.on(DescribeSecretCommand).callsFake(() => ({ Tags: [...tags] }));
    sm.on(TagResourceCommand).callsFake((input: { Tags: typeof tags }) => void tags.push(...input.Tags));
    const deps = { secrets: client, fetch, sleep, log };
    const rotation = { secretId: 'keyturn/key', rotationId: 'exec-1' };
    expect(await notifySlackOnce(deps, 'keyturn/slack', message, rotation)).toEqual({ notified: true });
    expect(await notifySlackOnce(deps, 'keyturn/slack', message, rotation)).toEqual({ notified: true });
    expect(posts).toHaveLength(1);
    await notifySlackOnce(deps, 'keyturn/slack', message, { ...rotation, rotationId: 'exec-2' });
    expect(posts).toHaveLength(2);
  });
});

describe('postSlackMessage', () => {
  it('posts JSON once on success and never logs the URL', async () => {
    const calls: Parameters<HttpPost>[] = [];
    const fetch: HttpPost = async (...args) => (calls.push(args), reply(200));
    expect(await postSlackMessage(URL, message, { fetch, sleep, log })).toEqual({ attempts: 1 });
    expect(calls[0]?.[1]).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(JSON.stringify(logged)).not.toContain('SECRETPART');
  });

  it('retries 429 (honouring Retry-After) and 5xx, then succeeds', async () => {
    const statuses = [429, 503, 200];
    const fetch: HttpPost = async () => reply(statuses.shift() ?? 200, { 'retry-after': '2' });
    expect(await postSlackMessage(URL, message, { fetch, sleep, log })).toEqual({ attempts: 3 });
    expect(sleeps).toEqual([2000, 500]);
  });

  it('fails at once with a clear error on a 4xx', async () => {
    let n = 0;
    const fetch: HttpPost = async () => (n++, reply(404));
    await expect(postSlackMessage(URL, message, { fetch, sleep, log })).rejects.toBeInstanceOf(SlackRequestRejectedError);
    expect(n).toBe(1);
  });

  it('gives up after the bounded attempts with SlackUnavailableError, without the URL in the error', async () => {
    const fetch: HttpPost = async () => {
      throw new TypeError(`fetch failed ${URL}`);
    };
    const error = await postSlackMessage(URL, message, { fetch, sleep, log, attempts: 2 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(SlackUnavailableError);
    expect((error as Error).message).not.toContain('SECRETPART');
  });
});

describe('rotationFailedMessage', () => {
  it('is Block Kit naming the failed state, the error and what was undone', () => {
    const m = rotationFailedMessage({
      workflow: 'rotate-cloudfront-key',
      target: 'key group kg',
      failedState: 'Add new key to key group',
      error: { name: 'QuotaExceededError', message: 'full' },
      undone: ['deleted public key K1'],
      kept: [],
      executionName: 'exec',
    });
    expect(m.text).toContain('Add new key to key group');
    expect(JSON.stringify(m.blocks)).toContain('deleted public key K1');
    expect((m.blocks[0] as { type: string }).type).toBe('header');
  });
});
