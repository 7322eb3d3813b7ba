/**
 * The approval gate, end to end on the simulator: a deployed rotation (the real state-machine file,
 * run by the simulator's Step Functions) with `approval` waits on its `.waitForTaskToken` Task; its
 * Ask approval step keeps the token in Secrets Manager and posts Approve/Reject to Slack; the
 * simulator's Slack presses them, signed as Slack does, against the interactivity endpoint served
 * as a Function URL; the endpoint answers the token with SendTaskSuccess or SendTaskFailure.
 * Tried on the way: a user who is no approver, the user who started the run, two approvers at
 * once (one token resolves once), a rejection before anything is created, an approval nobody
 * answers (the timeout's compensation withdraws the request), and a click after all of that.
 */
import { CloudFrontClient, CreateKeyGroupCommand, CreatePublicKeyCommand, GetKeyGroupCommand } from '@aws-sdk/client-cloudfront';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SLACK_ACCESS_VARIABLE, SLACK_BUTTONS_VARIABLE, SLACK_SIGNING_SECRET_VARIABLE, STAGE_VARIABLE } from '../../src/config/function-environment';
import { runWorkflow } from '../../src/local/runner';
import { runnerExecutor } from '../../src/local/runner-executor';
import type { SlackMessage } from '../../src/local/sim/state';
import { approvalSecretName } from '../../src/rotation/approval-store';
import { useSimulator } from '../support/sim';
import { until, useSlackEndpoint } from '../support/slack-endpoint';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MACHINE = 'keyturn-rotate-cloudfront-key-dev';
const SIGNING_SECRET_ID = 'keyturn/slack/signing-secret';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const APPROVER = { id: 'U0APPROVER', name: 'approver' };
const APPROVER2 = { id: 'U0SECOND', name: 'second' };
const REQUESTER = { id: 'U0REQUESTER', name: 'requester' };
const STRANGER = { id: 'U0STRANGER', name: 'stranger' };
const CHANNEL = { id: 'C0OPS', name: 'ops' };
const RETIRE_GATE = 'Ask approval to retire the old credential';

const sim = useSimulator({ resetEachTest: false, executor: runnerExecutor({ root }) });
const sfn = () => new SFNClient({});
const sm = () => new SecretsManagerClient({});
let machineArn = '';
const slack = useSlackEndpoint(
  {
    [SLACK_SIGNING_SECRET_VARIABLE]: SIGNING_SECRET_ID,
    [SLACK_ACCESS_VARIABLE]: JSON.stringify({ allow: {}, targets: {} }),
    [STAGE_VARIABLE]: 'dev',
    [SLACK_BUTTONS_VARIABLE]: 'true',
  },
  { capture: true },
);
const written = slack.written;
/** The task tokens seen in approval secrets: none may appear anywhere else. */
const tokens: string[] = [];

const describeExecution = (executionArn: string) => sfn().send(new DescribeExecutionCommand({ executionArn }));
const finished = (executionArn: string) => until(() => describeExecution(executionArn), (e) => e.status !== 'RUNNING');
const slackMessages = async () => (await sim.admin<{ messages: SlackMessage[] }>('GET', '/_sim/slack')).messages;
const press = (messageSeq: number, actionId: 'keyturn.approve' | 'keyturn.reject', user: { id: string }) =>
  sim.admin<{ status: number; body: string }>('POST', '/_sim/slack-click', { url: slack.url, signingSecret: SIGNING_SECRET, messageSeq, actionId, user, channel: CHANNEL });
/** What the click's response_url received after `before` messages: the ephemeral reply or the replaced message. */
const answersTo = async (messageSeq: number, before: number) => (await slackMessages()).slice(before).filter((m) => m.path === `/actions/${messageSeq}`);
const textOf = (message: SlackMessage) => JSON.stringify(message.body);

async function pendingToken(executionArn: string): Promise<string> {
  const value = await sm().send(new GetSecretValueCommand({ SecretId: approvalSecretName(executionArn) }));
  const token = (JSON.parse(value.SecretString!) as { taskToken: string }).taskToken;
  tokens.push(token);
  return token;
}

async function approvalSecretExists(executionArn: string): Promise<boolean> {
  try {
    await sm().send(new DescribeSecretCommand({ SecretId: approvalSecretName(executionArn) }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

/** A key group holding one hand-made key, and the rotation input for it with an approval gate. */
async function target(name: string, approval: Record<string, unknown>) {
  const cf = new CloudFrontClient({});
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const legacy = await cf.send(new CreatePublicKeyCommand({ PublicKeyConfig: { Name: `${name}-legacy`, CallerReference: name, EncodedKey: pair.publicKey } }));
  const keyGroupId = (await cf.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: name, Items: [legacy.PublicKey!.Id!] } }))).KeyGroup!.Id!;
  const input = {
    target: name,
    keyGroupId,
    secretId: `keyturn/cloudfront/${name}`,
    graceSeconds: 60,
    slackWebhookSecretId: 'keyturn/slack/webhook',
    testUrlBase: `${sim.url}/_sim/cloudfront/${keyGroupId}`,
    approval: { approvers: [APPROVER.id, APPROVER2.id, REQUESTER.id], timeoutSeconds: 3600, ...approval },
    requestedBy: REQUESTER.id,
  };
  const items = async () => (await cf.send(new GetKeyGroupCommand({ Id: keyGroupId }))).KeyGroup?.KeyGroupConfig?.Items ?? [];
  // A first rotation, without approval: keyturn's own key, the one the gated rotation retires.
  const { approval: _gate, requestedBy: _by, ...ungated } = input;
  const first = await sfn().send(new StartExecutionCommand({ stateMachineArn: machineArn, name: `${name}-first`, input: JSON.stringify(ungated) }));
  const firstDone = await finished(first.executionArn!);
  expect(firstDone.status).toBe('SUCCEEDED');
  const oldKeyId = JSON.parse(firstDone.output!).newPublicKeyId as string;
  return { input: { ...input, force: true }, keyGroupId, oldKeyId, items };
}

/** Starts the rotation and waits for its approval message. */
async function startWaiting(name: string, input: object) {
  const before = (await slackMessages()).length;
  const executionArn = (await sfn().send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input: JSON.stringify(input) }))).executionArn!;
  const all = await until(slackMessages, (m) => m.slice(before).some((x) => textOf(x).includes('keyturn.approve')));
  const message = all.slice(before).find((x) => textOf(x).includes('keyturn.approve'))!;
  await until(() => approvalSecretExists(executionArn), Boolean);
  return { executionArn, message };
}

describe('the approval gate, from Slack', () => {
  it('deploys the rotation and its Slack secrets', async () => {
    await sm().send(new CreateSecretCommand({ Name: 'keyturn/slack/webhook', SecretString: JSON.stringify({ url: `${sim.url}/_sim/slack/services/T0/B0/hook` }) }));
    await sm().send(new CreateSecretCommand({ Name: SIGNING_SECRET_ID, SecretString: SIGNING_SECRET }));
    const definition = readFileSync(`${root}/state-machines/rotate-cloudfront-key.asl.json`, 'utf8');
    machineArn = (await sfn().send(new CreateStateMachineCommand({ name: MACHINE, definition, roleArn: 'arn:aws:iam::123456789012:role/keyturn' }))).stateMachineArn!;
  });

  it('waits before retiring, asks the approvers by mention with Approve and Reject, and keeps the token out of the message', async () => {
    const { input, items, oldKeyId } = await target('media-approve', {});
    const { executionArn, message } = await startWaiting('approve-1', input);

    expect((await describeExecution(executionArn)).status).toBe('RUNNING');
    const body = textOf(message);
    expect(body).toContain('Approval needed');
    expect(body).toContain('<@U0APPROVER>, <@U0SECOND>, <@U0REQUESTER> (not <@U0REQUESTER>, who started this run)');
    const buttons = (message.body as { blocks: { type: string; elements?: { action_id: string; value: string }[] }[] }).blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => b.action_id)).toEqual(['keyturn.approve', 'keyturn.reject']);
    expect(JSON.parse(buttons[0]!.value)).toEqual({ executionArn, gate: 'retire', target: 'media-approve' });
    const token = await pendingToken(executionArn);
    expect(body).not.toContain(token);
    // The new key is current and the old one still in the group: retiring waits.
    expect(await items()).toHaveLength(3);
    expect(await items()).toContain(oldKeyId);

    // Not an approver; the approver who started the run: each told so, privately; nothing answered.
    let before = (await slackMessages()).length;
    expect(await press(message.seq, 'keyturn.approve', STRANGER)).toMatchObject({ status: 200 });
    expect((await answersTo(message.seq, before)).map((m) => [(m.body as { response_type?: string }).response_type, (m.body as { text: string }).text])).toEqual([
      ['ephemeral', expect.stringContaining('You are not one of the approvers of key group')],
    ]);
    before = (await slackMessages()).length;
    expect(await press(message.seq, 'keyturn.approve', REQUESTER)).toMatchObject({ status: 200 });
    expect(textOf((await answersTo(message.seq, before))[0]!)).toContain('You started this run, so another approver must answer');
    expect((await describeExecution(executionArn)).status).toBe('RUNNING');
    expect(await approvalSecretExists(executionArn)).toBe(true);

    // Two approvers at once: one answer reaches the token, the other is told it is no longer waiting.
    before = (await slackMessages()).length;
    const clicks = await Promise.all([press(message.seq, 'keyturn.approve', APPROVER), press(message.seq, 'keyturn.reject', APPROVER2)]);
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    const done = await finished(executionArn);
    const answers = await answersTo(message.seq, before);
    const replaced = answers.filter((m) => (m.body as { replace_original?: boolean }).replace_original === true);
    const refused = answers.filter((m) => (m.body as { response_type?: string }).response_type === 'ephemeral');
    expect(replaced).toHaveLength(1);
    expect(refused.map((m) => (m.body as { text: string }).text)).toEqual([expect.stringContaining('no longer waiting')]);
    const line = textOf(replaced[0]!);
    // Whichever click won decided the run, and the message says who and when.
    if (line.includes('approved')) {
      expect(line).toMatch(/<@U0APPROVER> approved at \d{4}-\d\d-\d\d \d\d:\d\d UTC: the rotation of key group \S+ goes on/);
      expect(done.status).toBe('SUCCEEDED');
      expect(await items()).not.toContain(oldKeyId);
    } else {
      expect(line).toMatch(/<@U0SECOND> rejected at .* UTC/);
      expect(done.status).toBe('FAILED');
    }
    expect(textOf(replaced[0]!)).not.toContain('keyturn.approve');
    expect(await approvalSecretExists(executionArn)).toBe(false);
  });

  it('an approval goes on to retire the old key; the run reports it rotated', async () => {
    const { input, items, oldKeyId } = await target('media-approved', {});
    const { executionArn, message } = await startWaiting('approve-2', input);
    await pendingToken(executionArn);

    await press(message.seq, 'keyturn.approve', APPROVER2);

    const done = await finished(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ rotated: true, oldPublicKeyId: oldKeyId, oldKeyRemoved: true });
    expect(await items()).not.toContain(oldKeyId);
    expect(await items()).toContain(JSON.parse(done.output!).newPublicKeyId);
    expect(await approvalSecretExists(executionArn)).toBe(false);
  });

  it('beforeStart: a rejection creates nothing, and the failure message names the gate and who rejected', async () => {
    const { input, items } = await target('media-reject', { beforeStart: true });
    const itemsBefore = await items();
    const { executionArn, message } = await startWaiting('reject-1', input);
    await pendingToken(executionArn);
    expect(textOf(message)).toContain('waiting to start rotating key group');

    await press(message.seq, 'keyturn.reject', APPROVER);

    const done = await finished(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'ApprovalRejected' });
    expect(await items()).toEqual(itemsBefore);
    const failure = (await until(slackMessages, (all) => all.some((m) => textOf(m).includes('Rotation failed: key group') && textOf(m).includes('reject-1')))).find(
      (m) => textOf(m).includes('Rotation failed: key group') && textOf(m).includes('reject-1'),
    )!;
    expect(textOf(failure)).toContain('Ask approval to start the rotation');
    expect(textOf(failure)).toContain('rejected in Slack by U0APPROVER');
    // No pending version was stored: the secret has only its current and previous versions.
    const versions = (await sm().send(new DescribeSecretCommand({ SecretId: input.secretId }))).VersionIdsToStages ?? {};
    expect(Object.values(versions).flat()).not.toContain('AWSPENDING');
  });

  it('nobody answers: the Task times out, the compensation withdraws the request and says so, and a late click changes nothing', async () => {
    const { input, items, oldKeyId } = await target('media-timeout', {});
    const execution = {
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:${MACHINE}:timeout-1`,
      stateMachineArn: machineArn,
      stateMachineName: MACHINE,
    };
    const before = (await slackMessages()).length;
    const run = runWorkflow('rotate-cloudfront-key', input, { root, executionName: 'timeout-1', execution, skipWaits: true, taskTokenTimeoutOverrides: { [RETIRE_GATE]: 1 } });
    await until(() => approvalSecretExists(execution.executionArn), Boolean);
    await pendingToken(execution.executionArn);

    const result = await run;
    expect(result).toMatchObject({ status: 'FAILED', error: { name: 'States.Timeout' } });
    expect(await approvalSecretExists(execution.executionArn)).toBe(false);
    // Promoted before the gate: the new key stays current, the old one is not retired.
    expect(await items()).toContain(oldKeyId);
    const told = (await slackMessages()).slice(before);
    const request = told.find((m) => textOf(m).includes('keyturn.approve'))!;
    const failure = told.find((m) => textOf(m).includes('Rotation failed'))!;
    expect(textOf(failure)).toContain(RETIRE_GATE);
    expect(textOf(failure)).toContain('the unanswered approval request was withdrawn');

    const late = (await slackMessages()).length;
    await press(request.seq, 'keyturn.approve', APPROVER);
    expect(textOf((await answersTo(request.seq, late))[0]!)).toContain('no longer waiting');
  });

  it('never lets a task token reach a log, a message or an execution history', async () => {
    const arns = ['approve-1', 'approve-2', 'reject-1'].map((n) => `arn:aws:states:us-east-1:123456789012:execution:${MACHINE}:${n}`);
    const histories = await Promise.all(arns.map((executionArn) => sfn().send(new GetExecutionHistoryCommand({ executionArn }))));
    const recorded = JSON.stringify([await slackMessages(), histories]);
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    for (const token of tokens) {
      expect(recorded).not.toContain(token);
      expect(written.join('')).not.toContain(token);
    }
    expect(written.join('')).toContain('approval answered from slack');
  });
});
