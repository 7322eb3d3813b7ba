/**
 * `/keyturn` from Slack, end to end on the simulator: the simulator's Slack types the command and
 * signs it as Slack does; the interactivity endpoint (a Function URL on this machine, with the
 * deployed config's targets in its environment) answers within Slack's wait: `status` lists the
 * targets, `plan` runs the real state machine's dry run, `rotate` rotates a due target at once and
 * offers "Rotate anyway" for one that is not due; that button forces one run, however often it is
 * pressed. Refused on the way: a user the rules do not list, a target that does not exist, a
 * command keyturn does not know, a forged signature.
 */
import { CloudFrontClient, CreateKeyGroupCommand, CreatePublicKeyCommand } from '@aws-sdk/client-cloudfront';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SLACK_ACCESS_VARIABLE, SLACK_SIGNING_SECRET_VARIABLE, SLACK_TARGETS_VARIABLE, STAGE_VARIABLE } from '../../src/config/function-environment';
import { encodeSlackTargets } from '../../src/config/slack-endpoint-environment';
import { runnerExecutor } from '../../src/local/runner-executor';
import type { SlackMessage } from '../../src/local/sim/state';
import { useSimulator } from '../support/sim';
import { until, useSlackEndpoint } from '../support/slack-endpoint';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MACHINE = 'keyturn-rotate-cloudfront-key-dev';
const SIGNING_SECRET_ID = 'keyturn/slack/signing-secret';
const SIGNING_SECRET = '2c26b46b68ffc68ff99b453c1d304134';
const OPERATOR = { id: 'U0OPERATOR', name: 'operator' };
const STRANGER = { id: 'U0STRANGER', name: 'stranger' };
const CHANNEL = { id: 'C0OPS', name: 'ops' };
const TARGET = 'media-signing-key';

const sim = useSimulator({ resetEachTest: false, executor: runnerExecutor({ root }) });
const sfn = () => new SFNClient({});
let machineArn = '';
// What a deploy gives the endpoint: the Slack rules here, the config's targets in the first test.
const slack = useSlackEndpoint({
  [SLACK_SIGNING_SECRET_VARIABLE]: SIGNING_SECRET_ID,
  [SLACK_ACCESS_VARIABLE]: JSON.stringify({ allow: { status: { channels: [CHANNEL.id] }, plan: { users: [OPERATOR.id] }, rotate: { users: [OPERATOR.id] } } }),
  [STAGE_VARIABLE]: 'dev',
});

interface Answer {
  status: number;
  body: string;
  messageSeq?: number;
}
const type = (text: string, user: { id: string } = OPERATOR, extra: Record<string, unknown> = {}) =>
  sim.admin<Answer>('POST', '/_sim/slack-command', { url: slack.url, signingSecret: SIGNING_SECRET, command: '/keyturn', text, user, channel: CHANNEL, ...extra });
const replyOf = (answer: Answer) => JSON.parse(answer.body) as { response_type: string; text: string; blocks?: unknown[] };
const finished = (executionArn: string) => until(() => sfn().send(new DescribeExecutionCommand({ executionArn })), (e) => e.status !== 'RUNNING');
const executions = async () => (await sfn().send(new ListExecutionsCommand({ stateMachineArn: machineArn }))).executions ?? [];
const slackMessages = async () => (await sim.admin<{ messages: SlackMessage[] }>('GET', '/_sim/slack')).messages;

describe('/keyturn from Slack', () => {
  it('deploys a rotation target, its state machine, and the endpoint with the config in its environment', async () => {
    const cf = new CloudFrontClient({});
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const legacy = await cf.send(new CreatePublicKeyCommand({ PublicKeyConfig: { Name: 'legacy', CallerReference: 'legacy', EncodedKey: pair.publicKey } }));
    const keyGroupId = (await cf.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: 'media', Items: [legacy.PublicKey!.Id!] } }))).KeyGroup!.Id!;
    const sm = new SecretsManagerClient({});
    await sm.send(new CreateSecretCommand({ Name: 'keyturn/slack/webhook', SecretString: JSON.stringify({ url: `${sim.url}/_sim/slack/services/T0/B0/hook` }) }));
    await sm.send(new CreateSecretCommand({ Name: SIGNING_SECRET_ID, SecretString: SIGNING_SECRET }));
    const definition = readFileSync(`${root}/state-machines/rotate-cloudfront-key.asl.json`, 'utf8');
    machineArn = (await sfn().send(new CreateStateMachineCommand({ name: MACHINE, definition, roleArn: 'arn:aws:iam::123456789012:role/keyturn' }))).stateMachineArn!;
    const input = { target: TARGET, keyGroupId, secretId: `keyturn/cloudfront/${TARGET}`, graceSeconds: 60, slackWebhookSecretId: 'keyturn/slack/webhook', testUrlBase: `${sim.url}/_sim/cloudfront/${keyGroupId}` };
    process.env[SLACK_TARGETS_VARIABLE] = encodeSlackTargets([
      { name: TARGET, workflow: 'rotate-cloudfront-key', input, schedule: 'rate(1 day)', enabled: true },
      { name: 'server-certificate-expiry', workflow: 'check-iam-cert-expiry', input: { slackWebhookSecretId: 'keyturn/slack/webhook' }, enabled: true },
    ]);
  });

  it('refuses a forged command with 401, and answers an unknown command, an unknown target and an unlisted user privately', async () => {
    expect(await type('status', OPERATOR, { signingSecret: 'forged' })).toMatchObject({ status: 401 });
    expect(replyOf(await type('deploy everything')).text).toMatch(/^keyturn does not know `deploy everything`\. Usage: /);
    expect(replyOf(await type('rotate no-such-target'))).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('keyturn has no target no-such-target (known: media-signing-key, server-certificate-expiry)') });
    expect(replyOf(await type(`rotate ${TARGET}`, STRANGER)).text).toContain(`You are not allowed to rotate ${TARGET} from Slack (slack.allow.rotate)`);
    expect(replyOf(await type('rotate server-certificate-expiry')).text).toContain('is not a rotation');
    expect(await executions()).toHaveLength(0);
  });

  it('status: every target, with what is known of it, to anyone in the listed channel', async () => {
    const reply = replyOf(await type('status', STRANGER));
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('keyturn status (stage dev):');
    expect(reply.text).toContain(`*${TARGET}* · rotate-cloudfront-key · rate(1 day) · never run`);
    expect(reply.text).toContain('*server-certificate-expiry* · check-iam-cert-expiry · manual · not deployed (keyturn-check-iam-cert-expiry-dev)');
  });

  it('plan: a dry run of the real state machine, its plan in the answer, nothing changed', async () => {
    const reply = replyOf(await type(`plan ${TARGET}`));
    expect(reply.text).toMatch(new RegExp(`^Plan for ${TARGET} \\(rotate-cloudfront-key\\): would rotate: .*Execution <https://[^|]+\\|${TARGET}-plan-\\d{8}T\\d{6}-[0-9a-f]{6}>; nothing was changed\\.$`));
    const runs = await executions();
    expect(runs.map((e) => e.status)).toEqual(['SUCCEEDED']);
  });

  it('rotate: a due target rotates at once, the run named after it and saying who started it', async () => {
    const reply = replyOf(await type(`rotate ${TARGET}`));
    expect(reply.response_type).toBe('in_channel');
    expect(reply.text).toMatch(new RegExp(`^<@U0OPERATOR> started rotate-cloudfront-key for ${TARGET}: execution <https://[^|]+\\|${TARGET}-\\d{8}T\\d{6}-[0-9a-f]{6}>$`));
    const started = (await executions()).find((e) => /^media-signing-key-\d/.test(e.name!))!;
    const done = await finished(started.executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.input!)).toMatchObject({ target: TARGET, requestedBy: OPERATOR.id });
    expect(JSON.parse(done.output!)).toMatchObject({ rotated: true });
  });

  it('rotate, not due: asks first; "Rotate anyway" forces one run however often it is pressed, and says who did', async () => {
    const answer = await type(`rotate ${TARGET}`);
    const reply = replyOf(answer);
    expect(reply.text).toMatch(new RegExp(`^${TARGET} is not due: .*Nothing was started\\.$`));
    const before = (await executions()).length;

    await sim.admin('POST', '/_sim/slack-click', { url: slack.url, signingSecret: SIGNING_SECRET, messageSeq: answer.messageSeq, actionId: 'keyturn.rotate-anyway', user: OPERATOR, channel: CHANNEL });
    await sim.admin('POST', '/_sim/slack-click', { url: slack.url, signingSecret: SIGNING_SECRET, messageSeq: answer.messageSeq, actionId: 'keyturn.rotate-anyway', user: OPERATOR, channel: CHANNEL });

    const forced = (await executions()).filter((e) => e.name!.endsWith('-go'));
    expect(forced).toHaveLength(1);
    expect(await executions()).toHaveLength(before + 1);
    const done = await finished(forced[0]!.executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.input!)).toMatchObject({ force: true, requestedBy: OPERATOR.id });
    const updates = (await slackMessages()).filter((m) => m.path === `/actions/${answer.messageSeq}`).map((m) => JSON.stringify(m.body));
    expect(updates[0]).toContain('<@U0OPERATOR> started rotate-cloudfront-key for media-signing-key');
    expect(updates[1]).toContain('was already started from this message');
  });
});
