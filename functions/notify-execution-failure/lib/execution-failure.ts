/**
 * A failed, timed-out or aborted keyturn execution, told to Slack: the state machine, the state
 * that failed (from GetExecutionHistory, without execution data), the error and a console link.
 */
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { Blocks, Md, Message } from 'slack-block-builder';
import type { Log } from '../../../src/logger';
import type { SecretsClient } from '../../../src/secrets/credential-store';
import { postSlackMessage, readWebhookUrl, type HttpPost, type SlackMessage } from '../../../src/notify/slack';
import { slackEscape as esc } from '../../../src/notify/slack-text';
import { executionConsoleLink } from '../../../src/notify/console-links';

export interface ExecutionFailure {
  executionArn: string;
  stateMachineArn: string;
  status: string;
  region: string;
  error?: string;
  cause?: string;
}

export interface FailureReportDeps {
  states: Pick<SFNClient, 'send'>;
  secrets: SecretsClient;
  fetch: HttpPost;
  sleep: (ms: number) => Promise<void>;
  log: Log;
  /** Where the webhook may point besides Slack's own hosts (src/notify/slack.ts, webhookUrlAllowed). */
  webhookUrlPrefixes?: readonly string[];
}

/** The last state that failed, or the last one entered; and the execution's own error. */
export function failedStateOf(events: HistoryEvent[]): { state?: string; error?: string; cause?: string } {
  let current: string | undefined;
  let failed: string | undefined;
  let error: string | undefined;
  let cause: string | undefined;
  for (const e of events) {
    if (e.stateEnteredEventDetails?.name) current = e.stateEnteredEventDetails.name;
    const details = e.taskFailedEventDetails ?? e.lambdaFunctionFailedEventDetails ?? e.executionFailedEventDetails ?? e.executionTimedOutEventDetails ?? e.executionAbortedEventDetails;
    if (/Failed$|TimedOut$|Aborted$/.test(e.type ?? '')) {
      if (!(e.type ?? '').startsWith('Execution')) failed = current;
      error = details?.error ?? error;
      cause = details?.cause ?? cause;
    }
  }
  return { ...(failed ?? current ? { state: failed ?? current } : {}), ...(error ? { error } : {}), ...(cause ? { cause } : {}) };
}

export function executionFailureMessage(f: ExecutionFailure, found: { state?: string; error?: string; cause?: string }): SlackMessage {
  const machine = esc(f.stateMachineArn.split(':').at(-1) ?? f.stateMachineArn);
  const execution = esc(f.executionArn.split(':').at(-1) ?? f.executionArn);
  const error = esc(f.error ?? found.error ?? f.status);
  const cause = esc((f.cause ?? found.cause ?? '').slice(0, 1500));
  const state = found.state === undefined ? undefined : esc(found.state);
  const status = esc(f.status);
  const text = `${machine}: execution ${execution} ${status}${state ? ` at "${state}"` : ''} (${error})`;
  const message = Message()
    .text(text)
    .blocks(
      Blocks.Header({ text: `${status}: ${machine}`.slice(0, 150) }),
      Blocks.Section({ text: `${Md.bold('Failed state')}: ${state ?? 'unknown'}\n${Md.bold('Error')}: ${Md.codeInline(error)}${cause ? `\n${cause}` : ''}`.slice(0, 2900) }),
      Blocks.Section({ text: executionConsoleLink(f.executionArn, `Open execution ${f.executionArn.split(':').at(-1) ?? f.executionArn} in the console`) }),
    )
    .buildToObject() as { text?: string; blocks?: unknown[] };
  return { text: message.text ?? text, blocks: message.blocks ?? [] };
}

export async function reportExecutionFailure(deps: FailureReportDeps, failure: ExecutionFailure, slackWebhookSecretId: string): Promise<{ failedState?: string; posted: boolean }> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.states.send(new GetExecutionHistoryCommand({ executionArn: failure.executionArn, includeExecutionData: false, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken && events.length < 25_000);
  const found = failedStateOf(events);
  deps.log.info('execution failure found', { executionArn: failure.executionArn, failedState: found.state, error: found.error });
  const url = await readWebhookUrl(deps.secrets, slackWebhookSecretId, deps.webhookUrlPrefixes);
  await postSlackMessage(url, executionFailureMessage(failure, found), { fetch: deps.fetch, sleep: deps.sleep, log: deps.log });
  return { ...(found.state ? { failedState: found.state } : {}), posted: true };
}
