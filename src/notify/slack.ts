/**
 * Posting to a Slack incoming webhook. The URL lives in Secrets Manager and goes from there to
 * fetch: never into logs, state or errors.
 */
import { GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import type { Log } from '../logger';
import type { SecretsClient } from '../secrets/credential-store';
import { markNotified, translateSecretsError, wasNotified } from '../secrets/credential-store';
import { SlackRequestRejectedError, SlackUnavailableError, SlackWebhookSecretInvalidError } from './errors';

export interface SlackMessage {
  text: string;
  blocks: readonly unknown[];
}

export type HttpPost = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string>; headers: { get(name: string): string | null } }>;

export interface PostOptions {
  fetch: HttpPost;
  sleep: (ms: number) => Promise<void>;
  log: Log;
  attempts?: number;
  timeoutMs?: number;
}

/** What a step that tells Slack needs: the client of the webhook's secret, and how to post. */
export interface NotifyDeps {
  secrets: SecretsClient;
  fetch: HttpPost;
  sleep: (ms: number) => Promise<void>;
  log: Log;
  /** Where a webhook URL may point besides Slack's own hosts (the config's slackWebhookUrlPrefixes). */
  webhookUrlPrefixes?: readonly string[];
}

/** Slack's incoming-webhook hosts (commercial and GovSlack); their webhooks live under /services/. */
const SLACK_WEBHOOK_HOSTS = ['hooks.slack.com', 'hooks.slack-gov.com'];

/** The rule a webhook URL must meet, as an error names it (never the URL: it is a secret). */
export const WEBHOOK_URL_RULE =
  'must be a Slack incoming webhook (https://hooks.slack.com/services/… or https://hooks.slack-gov.com/services/…) or start with one of slackWebhookUrlPrefixes';

/**
 * Whether `url` may receive keyturn's messages: an https URL on a Slack webhook host under
 * /services/, or one under an allowed prefix (same scheme, host and port, and the prefix's path).
 * Whoever can write the webhook secret could otherwise send every message, with the ids in it,
 * anywhere, or make a Lambda call an internal address.
 */
export function webhookUrlAllowed(url: string, prefixes: readonly string[] = []): boolean {
  return slackUrlAllowed(url, prefixes, '/services/');
}

/**
 * Whether `url` is Slack's own under `slackPath` (https, a Slack webhook host, no port, no user),
 * or under one of `prefixes`: webhooks live under /services/, an interaction's response_url under
 * /actions/ (src/interactivity/endpoint.ts).
 */
export function slackUrlAllowed(url: string, prefixes: readonly string[], slackPath: '/services/' | '/actions/'): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (parsed.protocol === 'https:' && SLACK_WEBHOOK_HOSTS.includes(parsed.hostname) && parsed.port === '' && parsed.pathname.startsWith(slackPath)) return true;
  return prefixes.some((prefix) => {
    let allowed: URL;
    try {
      allowed = new URL(prefix);
    } catch {
      return false;
    }
    return (allowed.protocol === 'https:' || allowed.protocol === 'http:') && parsed.origin === allowed.origin && parsed.pathname.startsWith(allowed.pathname);
  });
}

/**
 * The webhook URL stored in `secretId`: either the URL itself, or JSON `{ "url": … }` /
 * `{ "webhookUrl": … }`, meeting WEBHOOK_URL_RULE (else nothing is sent).
 */
export async function readWebhookUrl(client: SecretsClient, secretId: string, prefixes: readonly string[] = []): Promise<string> {
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new SlackWebhookSecretInvalidError(secretId, 'does not exist', { cause: error });
    }
    throw translateSecretsError(error, secretId);
  }
  let url = text?.trim() ?? '';
  if (url.startsWith('{')) {
    try {
      const parsed = JSON.parse(url) as { url?: unknown; webhookUrl?: unknown };
      url = String(parsed.url ?? parsed.webhookUrl ?? '');
    } catch {
      url = '';
    }
  }
  if (!/^https?:\/\/\S+$/.test(url)) {
    throw new SlackWebhookSecretInvalidError(secretId, 'does not hold an http(s) URL');
  }
  if (!webhookUrlAllowed(url, prefixes)) throw new SlackWebhookSecretInvalidError(secretId, `holds a URL that is refused: it ${WEBHOOK_URL_RULE}`);
  return url;
}

/**
 * POSTs `message` with bounded retries: 429 (honouring Retry-After, capped), 5xx, timeouts and
 * network errors are retried with exponential backoff; any other 4xx fails at once.
 */
export async function postSlackMessage(url: string, message: SlackMessage, options: PostOptions): Promise<{ attempts: number }> {
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let lastProblem = '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    let waitMs = Math.min(4_000, 250 * 2 ** (attempt - 1));
    try {
      const res = await options.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status >= 200 && res.status < 300) {
        options.log.info('slack message posted', { attempt });
        return { attempts: attempt };
      }
      const body = await res.text().catch(() => '');
      if (res.status !== 429 && res.status < 500) throw new SlackRequestRejectedError(res.status, body);
      lastProblem = `HTTP ${res.status}`;
      const retryAfter = Number(res.headers.get('retry-after'));
      if (res.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0) waitMs = Math.min(10_000, retryAfter * 1000);
    } catch (error) {
      if (error instanceof SlackRequestRejectedError) throw error;
      // fetch errors name the URL in their cause on some runtimes: keep only the kind of failure.
      lastProblem = (error as Error)?.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : 'network error';
    }
    options.log.warn('slack post failed, retrying', { attempt, problem: lastProblem });
    if (attempt < attempts) await options.sleep(waitMs);
  }
  throw new SlackUnavailableError(`slack did not accept the message after ${attempts} attempts (${lastProblem})`);
}

/**
 * Posts `message` to the webhook stored in `webhookSecretId`; nothing when no webhook is
 * configured (the Slack steps of the rotations are optional).
 */
export async function notifySlack(deps: NotifyDeps, webhookSecretId: string | undefined, message: SlackMessage): Promise<{ notified: boolean }> {
  if (!webhookSecretId) return { notified: false };
  const url = await readWebhookUrl(deps.secrets, webhookSecretId, deps.webhookUrlPrefixes);
  await postSlackMessage(url, message, deps);
  return { notified: true };
}

/**
 * notifySlack at most once per rotation: the secret of the rotated credential records (a tag
 * keyed by the rotation) that Slack was told, so a rerun resuming a rotation that already
 * reported its outcome posts nothing again.
 */
export async function notifySlackOnce(
  deps: NotifyDeps,
  webhookSecretId: string | undefined,
  message: SlackMessage,
  rotation: { secretId: string; rotationId: string; alreadyNotified?: boolean },
): Promise<{ notified: boolean }> {
  if (!webhookSecretId) return { notified: false };
  // alreadyNotified: the workflow's first step read the tag (it reads the secret's labels anyway),
  // and only this rotation's own notify step writes it; undefined: read it here.
  if (rotation.alreadyNotified ?? (await wasNotified(deps.secrets, rotation.secretId, rotation.rotationId))) {
    deps.log.info('slack already told of this rotation', { secretId: rotation.secretId, rotationId: rotation.rotationId });
    return { notified: true };
  }
  const out = await notifySlack(deps, webhookSecretId, message);
  await markNotified(deps.secrets, rotation.secretId, rotation.rotationId);
  return out;
}
