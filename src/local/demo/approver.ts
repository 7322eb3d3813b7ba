/**
 * The demo's approver: serves the Slack interactivity endpoint as a Function URL on this machine
 * (with a signing secret it stores in the simulator, as a deploy stores the app's), watches the
 * simulator's Slack sink for a message asking for approval, and presses Approve on it through the
 * simulator's Slack, which signs the click as Slack does. What it did is reported line by line.
 */
import { CreateSecretCommand, ResourceExistsException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { SLACK_ACCESS_VARIABLE, SLACK_SIGNING_SECRET_VARIABLE, STAGE_VARIABLE } from '../../config/function-environment';
import { APPROVE_ACTION_ID } from '../../interactivity/actions';
import { startFunctionUrl } from '../function-url';
import type { SlackMessage } from '../sim/state';
import { simSettings } from './support';

const SIGNING_SECRET_ID = 'keyturn/slack/demo-signing-secret';

export interface DemoApprover {
  /** Stops watching and closes the endpoint. */
  stop(): Promise<void>;
}

export async function startApprover(simUrl: string, approver: { id: string; name: string }, out: (line: string) => void): Promise<DemoApprover> {
  const signingSecret = randomBytes(16).toString('hex');
  try {
    await new SecretsManagerClient(simSettings(simUrl)).send(new CreateSecretCommand({ Name: SIGNING_SECRET_ID, SecretString: signingSecret }));
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
  }
  // The local runner's executions are keyturn-<workflow>-local's.
  process.env[SLACK_SIGNING_SECRET_VARIABLE] = SIGNING_SECRET_ID;
  process.env[SLACK_ACCESS_VARIABLE] = JSON.stringify({ allow: {}, targets: {} });
  process.env[STAGE_VARIABLE] = 'local';
  const { handler } = await import('../../../functions/slack-interactivity/handle-slack-request');
  const endpoint = await startFunctionUrl(handler);
  const pressed = new Set<number>();
  let stopped = false;
  const watch = (async () => {
    while (!stopped) {
      const { messages } = (await (await fetch(`${simUrl}/_sim/slack`)).json()) as { messages: SlackMessage[] };
      for (const message of messages.filter((m) => !pressed.has(m.seq) && JSON.stringify(m.body).includes(`"${APPROVE_ACTION_ID}"`))) {
        pressed.add(message.seq);
        const res = await fetch(`${simUrl}/_sim/slack-click`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url: endpoint.url, signingSecret, messageSeq: message.seq, actionId: APPROVE_ACTION_ID, user: approver, channel: { id: 'C0DEMO', name: 'keyturn' } }),
        });
        const answer = (await res.json()) as { status: number };
        out(`  Slack: ${approver.name} (${approver.id}) pressed Approve on message ${message.seq} → the endpoint answered ${answer.status}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await watch;
      await endpoint.close();
    },
  };
}
