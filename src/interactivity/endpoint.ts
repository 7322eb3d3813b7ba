/**
 * keyturn's Slack interactivity endpoint (a Lambda Function URL): every request is verified as
 * Slack's before anything is read from it (401 and nothing started otherwise), Slack's retries of
 * a request already handled are acknowledged and ignored. A verified click (Retry, Snooze, Import
 * renewed, Rotate anyway) or `/keyturn` command (./commands.ts) is authorised by the config's rules
 * (src/interactivity/access.ts); Approve and Reject by the waiting approval's own approvers
 * (./approve.ts). The answer goes back within Slack's 3 seconds: the actions are a few AWS calls
 * (a command's dry run gets 2 seconds); what happened is then said by replacing the message
 * through its response_url (who did what, and when), or, to the one user refused, in an ephemeral
 * reply. Slack failing to take that follow-up changes nothing that was done.
 */
import * as z from '../zod';
import type { Log } from '../logger';
import { postSlackMessage, slackUrlAllowed, type HttpPost, type SlackMessage } from '../notify/slack';
import { slackEscape as esc } from '../notify/slack-text';
import { decideAccess, type SlackAccess, type SlackAction } from './access';
import {
  APPROVE_ACTION_ID,
  approvalButtonValueSchema,
  IMPORT_ACTION_ID,
  importButtonValueSchema,
  REJECT_ACTION_ID,
  RETRY_ACTION_ID,
  retryButtonValueSchema,
  ROTATE_ANYWAY_ACTION_ID,
  rotateAnywayButtonValueSchema,
  SNOOZE_ACTION_ID,
  snoozeButtonValueSchema,
} from './actions';
import { handleSlashCommand, importRenewed, rotateAnyway } from './commands';
import type { SlackTarget } from '../config/slack-endpoint-environment';
import { decideApproval, type ApprovalOutcome } from './approve';
import { snoozeCertificate, type Snooze } from '../iam/snoozes';
import type { SecretsClient } from '../secrets/credential-store';
import { SlackRequestRejectedError, SlackRequestUnverifiedError } from './errors';
import { retryRotation, type RetryOutcome, type StatesClient } from './retry';
import { header, parseSlackBody, verifySlackRequest, type FunctionUrlRequest } from './slack-request';


const blockActionsSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: z.string() }),
  channel: z.optional(z.looseObject({ id: z.string() })),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.optional(z.string()) })).check(z.minLength(1)),
  response_url: z.optional(z.string()),
  message: z.optional(z.looseObject({ text: z.optional(z.string()), blocks: z.optional(z.array(z.unknown())) })),
});

/** The follow-up's budget: with the Step Functions calls before it, the click is answered within Slack's 3 seconds. */
const FOLLOW_UP_TIMEOUT_MS = 1_500;

export interface EndpointDeps {
  states: StatesClient;
  /** Where snoozes are written (src/iam/snoozes.ts). */
  secrets: SecretsClient;
  /** The app's signing secret (read from Secrets Manager by the handler, never logged). */
  signingSecret: () => Promise<string>;
  access: SlackAccess;
  /** The deployed config's targets (KEYTURN_SLACK_TARGETS): what `/keyturn` acts on. */
  targets: readonly SlackTarget[];
  /** The deploy's stage: only keyturn's state machines of this stage are acted on. */
  stage: string;
  /** Where a response_url may point besides Slack's own (the config's slackWebhookUrlPrefixes). */
  responseUrlPrefixes: readonly string[];
  fetch: HttpPost;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  log: Log;
}

export interface FunctionUrlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const reply = (statusCode: number, body: string | object = ''): FunctionUrlResponse => ({
  statusCode,
  headers: { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

export async function handleSlackRequest(deps: EndpointDeps, request: FunctionUrlRequest): Promise<FunctionUrlResponse> {
  let body: Buffer;
  try {
    body = verifySlackRequest(request, await deps.signingSecret(), deps.now());
  } catch (error) {
    if (!(error instanceof SlackRequestUnverifiedError)) throw error;
    // The reason only: never the body, its signature or its headers' values.
    deps.log.warn('slack request refused', { reason: error.message });
    return reply(401, 'unverified request');
  }
  // Slack retries a request it got no timely answer to; the first delivery already acted.
  const retryNum = header(request, 'x-slack-retry-num');
  if (retryNum !== undefined) {
    deps.log.info('slack retry ignored', { retryNum, reason: header(request, 'x-slack-retry-reason') });
    return reply(200);
  }
  try {
    const parsed = parseSlackBody(request, body);
    if (parsed.kind === 'command') return reply(200, await command(deps, parsed.fields));
    return await handleInteraction(deps, parsed.payload);
  } catch (error) {
    if (!(error instanceof SlackRequestRejectedError)) throw error;
    deps.log.warn('slack request rejected', { reason: error.message });
    return reply(400, error.message);
  }
}

/** A slash command's answer; when AWS refuses or fails, the user is told (the error's name) and Slack still gets 200. */
async function command(deps: EndpointDeps, fields: Record<string, string>) {
  try {
    return await handleSlashCommand(deps, fields);
  } catch (error) {
    if (error instanceof SlackRequestRejectedError) throw error;
    const name = (error as Error)?.name ?? 'Error';
    deps.log.error('slack command failed', { text: (fields.text ?? '').slice(0, 100), userId: fields.user_id, error: name, message: (error as Error)?.message });
    return { response_type: 'ephemeral', text: `keyturn could not do that (${esc(name)}): try again, or look at keyturn's logs.` };
  }
}

async function handleInteraction(deps: EndpointDeps, payload: unknown): Promise<FunctionUrlResponse> {
  const parsed = blockActionsSchema.safeParse(payload);
  if (!parsed.success) throw new SlackRequestRejectedError('the payload is not a block_actions interaction with a user and an action');
  const interaction = parsed.data;
  const action = interaction.actions[0]!;
  const userId = interaction.user.id;
  const channelId = interaction.channel?.id;
  const respond = (message: SlackMessage & Record<string, unknown>) => followUp(deps, interaction.response_url, message);

  if (action.action_id === RETRY_ACTION_ID) {
    const value = retryButtonValueSchema.safeParse(parseJson(action.value));
    if (!value.success) throw new SlackRequestRejectedError(`the ${RETRY_ACTION_ID} button's value is not {target, executionArn}`);
    const { target, executionArn } = value.data;
    if (!(await allowed('retry', target))) return reply(200);
    const outcome = await attempt('retry', target, () => retryRotation({ states: deps.states, log: deps.log }, { executionArn, stage: deps.stage, userId }));
    if (outcome) await respond(updatedMessage(interaction.message, action, retryLine(outcome, userId, deps.now())));
    return reply(200);
  }
  if (action.action_id === SNOOZE_ACTION_ID) {
    const value = snoozeButtonValueSchema.safeParse(parseJson(action.value));
    if (!value.success) throw new SlackRequestRejectedError(`the ${SNOOZE_ACTION_ID} button's value is not {target, arn, name}`);
    const { target, arn, name } = value.data;
    if (!(await allowed('snooze', target))) return reply(200);
    const snooze = await attempt('snooze', target, () => snoozeCertificate(deps.secrets, { arn, name }, userId, deps.now(), deps.log));
    if (snooze) await respond(updatedMessage(interaction.message, action, snoozeLine(snooze)));
    return reply(200);
  }
  if (action.action_id === IMPORT_ACTION_ID) {
    const value = importButtonValueSchema.safeParse(parseJson(action.value));
    if (!value.success) throw new SlackRequestRejectedError(`the ${IMPORT_ACTION_ID} button's value is not {target, name}`);
    const { target, name } = value.data;
    if (!(await allowed('import', target))) return reply(200);
    const started = await attempt('import', target, () => importRenewed(deps, { target, name, userId }));
    if (started) await respond(updatedMessage(interaction.message, action, started.text));
    return reply(200);
  }
  if (action.action_id === ROTATE_ANYWAY_ACTION_ID) {
    const value = rotateAnywayButtonValueSchema.safeParse(parseJson(action.value));
    if (!value.success) throw new SlackRequestRejectedError(`the ${ROTATE_ANYWAY_ACTION_ID} button's value is not {target, planExecutionName}`);
    const { target, planExecutionName } = value.data;
    if (!(await allowed('rotate', target))) return reply(200);
    const started = await attempt('rotate', target, () => rotateAnyway(deps, { target, planExecutionName, userId }));
    if (started) await respond(updatedMessage(interaction.message, action, started.text));
    return reply(200);
  }
  if (action.action_id === APPROVE_ACTION_ID || action.action_id === REJECT_ACTION_ID) {
    const value = approvalButtonValueSchema.safeParse(parseJson(action.value));
    if (!value.success) throw new SlackRequestRejectedError(`the ${action.action_id} button's value is not {executionArn, gate, target}`);
    const decision = action.action_id === APPROVE_ACTION_ID ? 'approve' : 'reject';
    const { executionArn, gate } = value.data;
    const what = value.data.target ?? nameOf(executionArn);
    // The approval's own approvers decide who may answer (src/interactivity/approve.ts), not slack.allow.
    const outcome = await attempt(decision, what, () =>
      decideApproval({ states: deps.states, secrets: deps.secrets, log: deps.log, now: deps.now }, { executionArn, gate, decision, userId, stage: deps.stage }),
    );
    deps.log.info('slack action', { action: decision, target: what, userId, channelId, outcome: outcome?.kind });
    if (outcome?.kind === 'decided') await respond(updatedMessage(interaction.message, action, approvalLine(outcome, userId, deps.now())));
    else if (outcome) await respond({ response_type: 'ephemeral', replace_original: false, text: approvalRefusal(outcome), blocks: [] });
    return reply(200);
  }
  deps.log.warn('unknown slack action', { actionId: action.action_id.slice(0, 100), userId });
  await respond({ response_type: 'ephemeral', replace_original: false, text: `keyturn does not know the action ${esc(action.action_id.slice(0, 100))}: nothing was done.`, blocks: [] });
  return reply(200);

  /** Whether the click's user (or channel) may do `what` on `target`; tells them when not. */
  async function allowed(what: SlackAction, target: string): Promise<boolean> {
    const decision = decideAccess(deps.access, { action: what, target, userId, ...(channelId ? { channelId } : {}) });
    deps.log.info('slack action', { action: what, target, userId, channelId, allowed: decision.allowed, rule: decision.rule });
    if (!decision.allowed) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: `You are not allowed to ${what} ${esc(target)} from Slack (${esc(decision.rule)}): nothing was done.`, blocks: [] });
    }
    return decision.allowed;
  }

  /**
   * Runs the action; when AWS refuses or fails it, tells the user (ephemeral, the error's name)
   * and answers Slack all the same: a 5xx would only make Slack show its own, vaguer error.
   */
  async function attempt<T>(what: SlackAction | 'approve' | 'reject', target: string, act: () => Promise<T>): Promise<T | undefined> {
    try {
      return await act();
    } catch (error) {
      if (error instanceof SlackRequestRejectedError) throw error;
      const name = (error as Error)?.name ?? 'Error';
      deps.log.error('slack action failed', { action: what, target, userId, error: name, message: (error as Error)?.message });
      await respond({ response_type: 'ephemeral', replace_original: false, text: `keyturn could not ${what} ${esc(target)} (${esc(name)}): nothing was changed by this click. Try again, or look at keyturn's logs.`, blocks: [] });
      return undefined;
    }
  }
}

/** The line an answered approval's message gains: who approved or rejected, and when. */
function approvalLine(outcome: Extract<ApprovalOutcome, { kind: 'decided' }>, userId: string, at: Date): string {
  const when = at.toISOString().slice(0, 16).replace('T', ' ');
  return outcome.decision === 'approve'
    ? `<@${esc(userId)}> approved at ${when} UTC: the rotation of ${esc(outcome.subject)} goes on`
    : `<@${esc(userId)}> rejected at ${when} UTC: the rotation of ${esc(outcome.subject)} is undone and reported`;
}

/** What the one user whose click changed nothing is told. */
function approvalRefusal(outcome: Exclude<ApprovalOutcome, { kind: 'decided' }>): string {
  switch (outcome.kind) {
    case 'gone':
      return 'This approval is no longer waiting (already answered, timed out, or the run ended): nothing was done.';
    case 'not-approver':
      return `You are not one of the approvers of ${esc(outcome.subject)}: nothing was done.`;
    case 'own-run':
      return `You started this run, so another approver must answer for ${esc(outcome.subject)}: nothing was done.`;
  }
}

function snoozeLine(snooze: Snooze): string {
  return `<@${esc(snooze.by)}> snoozed ${esc(snooze.name)} at ${snooze.at.slice(0, 16).replace('T', ' ')} UTC, until ${snooze.until.slice(0, 16).replace('T', ' ')} UTC`;
}

/** The line the message gains after a click: who did what, when, and the execution it started. */
function retryLine(outcome: RetryOutcome, userId: string, at: Date): string {
  const when = at.toISOString().slice(0, 16).replace('T', ' ');
  switch (outcome.kind) {
    case 'started':
      return `<@${esc(userId)}> retried the rotation at ${when} UTC: execution ${esc(nameOf(outcome.executionArn))} (rotation ${esc(outcome.rotationId)})`;
    case 'already-retried':
      return `<@${esc(userId)}> asked for a retry at ${when} UTC: already retried, execution ${esc(nameOf(outcome.executionArn))} is ${esc(outcome.status)}`;
    case 'not-failed':
      return `<@${esc(userId)}> asked for a retry at ${when} UTC: nothing to retry, the execution is ${esc(outcome.status)}`;
  }
}

const nameOf = (executionArn: string) => executionArn.slice(executionArn.lastIndexOf(':') + 1);

/**
 * The original message with the pressed button gone (a Retry's whole actions block, a Snooze's
 * accessory: the digest's other buttons stay), and `line` as a context block at the end.
 */
function updatedMessage(
  original: { text?: string; blocks?: unknown[] } | undefined,
  pressed: { action_id: string; value?: string },
  line: string,
): SlackMessage & Record<string, unknown> {
  const isPressed = (element: unknown) => {
    const e = element as { action_id?: unknown; value?: unknown } | null;
    return e?.action_id === pressed.action_id && e?.value === pressed.value;
  };
  const blocks = (original?.blocks ?? []).flatMap((b) => {
    const block = b as { type?: unknown; elements?: unknown[]; accessory?: unknown } | null;
    if (block?.type === 'actions' && block.elements?.some(isPressed)) return [];
    if (block?.accessory && isPressed(block.accessory)) {
      const { accessory: _used, ...rest } = block;
      return [rest];
    }
    return [b];
  });
  return { replace_original: true, text: original?.text ?? line, blocks: [...blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: line }] }] };
}

/** Posts to the interaction's response_url, when it is Slack's (or an allowed prefix); a failure is logged, not thrown. */
async function followUp(deps: EndpointDeps, responseUrl: string | undefined, message: SlackMessage & Record<string, unknown>): Promise<void> {
  if (!responseUrl || !responseUrlAllowed(responseUrl, deps.responseUrlPrefixes)) {
    deps.log.warn('slack response_url refused', { present: responseUrl !== undefined });
    return;
  }
  try {
    // One short attempt: the whole answer must reach Slack within its 3 seconds.
    await postSlackMessage(responseUrl, message, { fetch: deps.fetch, sleep: deps.sleep, log: deps.log, attempts: 1, timeoutMs: FOLLOW_UP_TIMEOUT_MS });
  } catch (error) {
    // What the click asked for is done; only the message update is lost.
    deps.log.warn('slack response_url failed', { error: (error as Error).name, message: (error as Error).message });
  }
}

/** Slack's response URLs are https://hooks.slack.com/actions/… (GovSlack: hooks.slack-gov.com), or under an allowed prefix. */
export function responseUrlAllowed(url: string, prefixes: readonly string[]): boolean {
  return slackUrlAllowed(url, prefixes, '/actions/');
}

function parseJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
