/**
 * The simulator's Slack, clicking: `POST /_sim/slack-click` does what Slack does when a person
 * presses a button on a message the sink received; `POST /_sim/slack-command`, what it does when a
 * person types a slash command (the command's fields, form-encoded and signed the same way, with a
 * response_url under the sink's `/commands/`). It builds the `block_actions` interaction
 * (the user, the channel, the button's action id and value, the message as it stands, and a
 * response_url that leads back to the sink), form-encodes it as `payload=…`, signs it with the
 * app's signing secret as Slack documents ("Verifying requests from Slack": `v0=` and the
 * HMAC-SHA256 hex of `v0:<timestamp>:<body>`), and posts it to the app's interactivity URL. The
 * answer is the endpoint's status and body.
 *
 * Written here, not imported from keyturn's own verification, so the two sides stay independent
 * (docs/design.md, "The embedded default"). `timestamp`, `signingSecret` and `retryNum` may be set
 * to anything, so tests can send what a forger or a replay would.
 */
import { createHmac } from 'node:crypto';
import { AdminInputError } from './protocol';
import type { SlackMessage } from './state';

export interface ClickRequest {
  /** The app's interactivity URL. */
  url: string;
  signingSecret: string;
  /** The sink message whose button is pressed (its `seq`). */
  messageSeq: number;
  actionId: string;
  /** Which of several buttons with that action id: the one whose value contains this text. */
  valueContains?: string;
  user: { id: string; name?: string };
  channel?: { id: string; name?: string };
  /** Unix seconds; default: the simulator's clock. */
  timestamp?: number;
  /** Sent as X-Slack-Retry-Num (Slack's redelivery of a request it got no answer to). */
  retryNum?: number;
}

export function parseClickRequest(body: unknown): ClickRequest {
  const b = (body ?? {}) as Partial<ClickRequest>;
  if (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url)) throw new AdminInputError('slack-click needs url (the interactivity URL)');
  if (typeof b.signingSecret !== 'string') throw new AdminInputError('slack-click needs signingSecret (string)');
  if (typeof b.messageSeq !== 'number') throw new AdminInputError('slack-click needs messageSeq (the seq of a message the sink received)');
  if (typeof b.actionId !== 'string') throw new AdminInputError('slack-click needs actionId (string)');
  if (typeof b.user?.id !== 'string') throw new AdminInputError('slack-click needs user.id');
  return b as ClickRequest;
}

interface Button {
  type: 'button';
  action_id: string;
  value?: string;
  block_id?: string;
}

/** The buttons of a Block Kit message (in actions blocks, and as section accessories), with the block each is in. */
function buttonsOf(message: unknown): Button[] {
  const blocks = (message as { blocks?: unknown } | null)?.blocks;
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((block: { type?: string; block_id?: string; elements?: unknown[]; accessory?: Button }) => {
    const inBlock = block?.type === 'actions' && Array.isArray(block.elements) ? (block.elements as Button[]) : block?.accessory ? [block.accessory] : [];
    return inBlock.filter((e) => e?.type === 'button').map((e) => ({ ...e, ...(block.block_id ? { block_id: block.block_id } : {}) }));
  });
}

export function signSlackBody(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Presses the button and posts the signed interaction; the endpoint's answer comes back. */
export async function click(request: ClickRequest, sink: { messages: SlackMessage[]; baseUrl: string; nowMs: number }): Promise<{ status: number; body: string }> {
  const message = sink.messages.find((m) => m.seq === request.messageSeq);
  if (!message) throw new AdminInputError(`the sink received no message ${request.messageSeq}`);
  const button = buttonsOf(message.body).find((b) => b.action_id === request.actionId && (request.valueContains === undefined || (b.value ?? '').includes(request.valueContains)));
  if (!button) throw new AdminInputError(`message ${request.messageSeq} has no button ${request.actionId}${request.valueContains === undefined ? '' : ` whose value contains ${request.valueContains}`}`);
  const payload = {
    type: 'block_actions',
    user: request.user,
    ...(request.channel ? { channel: request.channel } : {}),
    actions: [{ type: 'button', action_id: button.action_id, ...(button.block_id ? { block_id: button.block_id } : {}), ...(button.value !== undefined ? { value: button.value } : {}) }],
    response_url: `${sink.baseUrl}/_sim/slack/actions/${request.messageSeq}`,
    message: message.body,
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = request.timestamp ?? Math.floor(sink.nowMs / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signSlackBody(request.signingSecret, timestamp, body),
  };
  if (request.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(request.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const res = await fetch(request.url, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text() };
}

export interface CommandRequest {
  /** The app's slash command URL. */
  url: string;
  signingSecret: string;
  /** `/keyturn` */
  command: string;
  /** What follows the command: `status`, `rotate media-signing-key`. */
  text: string;
  user: { id: string; name?: string };
  channel?: { id: string; name?: string };
  timestamp?: number;
}

export function parseCommandRequest(body: unknown): CommandRequest {
  const b = (body ?? {}) as Partial<CommandRequest>;
  if (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url)) throw new AdminInputError('slack-command needs url (the slash command URL)');
  if (typeof b.signingSecret !== 'string') throw new AdminInputError('slack-command needs signingSecret (string)');
  if (typeof b.command !== 'string' || !b.command.startsWith('/')) throw new AdminInputError('slack-command needs command (such as /keyturn)');
  if (typeof b.text !== 'string') throw new AdminInputError('slack-command needs text (string, may be empty)');
  if (typeof b.user?.id !== 'string') throw new AdminInputError('slack-command needs user.id');
  return b as CommandRequest;
}

let commandSeq = 0;

/** Types the command and posts it signed, as Slack does; the endpoint's answer comes back. */
export async function command(request: CommandRequest, sink: { baseUrl: string; nowMs: number }): Promise<{ status: number; body: string; responseUrl: string }> {
  commandSeq += 1;
  const responseUrl = `${sink.baseUrl}/_sim/slack/commands/${commandSeq}`;
  const body = new URLSearchParams({
    command: request.command,
    text: request.text,
    user_id: request.user.id,
    user_name: request.user.name ?? request.user.id,
    channel_id: request.channel?.id ?? 'C0SIM',
    channel_name: request.channel?.name ?? 'sim',
    response_url: responseUrl,
    trigger_id: `${commandSeq}.sim`,
  }).toString();
  const timestamp = request.timestamp ?? Math.floor(sink.nowMs / 1000);
  const res = await fetch(request.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signSlackBody(request.signingSecret, timestamp, body) },
    body,
  });
  return { status: res.status, body: await res.text(), responseUrl };
}
