/**
 * Slack's buttons, end to end on the simulator. "Retry": a deployed rotation (the real state-machine
 * file, run by the simulator's Step Functions) fails and is undone; its failure message carries a
 * Retry button; the simulator's Slack presses it, signing the interaction as Slack does, against
 * the interactivity endpoint served as a Function URL on this machine; the endpoint verifies,
 * authorises, and starts the same state machine with the failed run's rotationId, which succeeds.
 * Forged, replayed and redelivered requests, an unlisted user, a double click and a Slack that
 * fails the follow-up are each tried on the way. "Snooze 7 days" on a certificate in the expiry
 * digest: the next digest lists it as muted, until when and by whom.
 */
import { CloudFrontClient, CreateKeyGroupCommand, CreatePublicKeyCommand, GetKeyGroupCommand } from '@aws-sdk/client-cloudfront';
import { IAMClient, UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SLACK_ACCESS_VARIABLE, SLACK_BUTTONS_VARIABLE, SLACK_SIGNING_SECRET_VARIABLE, SLACK_TARGETS_VARIABLE, STAGE_VARIABLE } from '../../src/config/function-environment';
import { encodeSlackTargets } from '../../src/config/slack-endpoint-environment';
import { runnerExecutor } from '../../src/local/runner-executor';
import type { SlackMessage } from '../../src/local/sim/state';
import { useSimulator } from '../support/sim';
import { until, useSlackEndpoint } from '../support/slack-endpoint';
import { DAY_MS, makeCertificate } from '../support/certs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MACHINE = 'keyturn-rotate-cloudfront-key-dev';
const SIGNING_SECRET_ID = 'keyturn/slack/signing-secret';
const SIGNING_SECRET = 'e3b0c44298fc1c149afbf4c8996fb924';
const ON_CALL = { id: 'U0ONCALL', name: 'on-call' };
const STRANGER = { id: 'U0STRANGER', name: 'stranger' };
const CHANNEL = { id: 'C0RANDOM', name: 'random' };
const RENEW_API_INPUT = { sourceSecretId: 'keyturn/certificates/api-example-com', serverCertificateName: 'api-example-com-2027', renews: 'api-example-com', slackWebhookSecretId: 'keyturn/slack/webhook' };

const sim = useSimulator({ resetEachTest: false, executor: runnerExecutor({ root }) });
const sfn = () => new SFNClient({});
const slack = useSlackEndpoint(
  {
    [SLACK_SIGNING_SECRET_VARIABLE]: SIGNING_SECRET_ID,
    [SLACK_ACCESS_VARIABLE]: JSON.stringify({ allow: { retry: { channels: ['C0OPS'] }, snooze: { users: [ON_CALL.id] }, import: { users: [ON_CALL.id] } }, targets: { 'media-signing-key': { retry: { users: [ON_CALL.id] } } } }),
    // The deployed config's import target, renewing api-example-com (what "Import renewed" starts).
    [SLACK_TARGETS_VARIABLE]: encodeSlackTargets([{ name: 'renew-api', workflow: 'import-iam-server-cert', input: RENEW_API_INPUT, enabled: false }]),
    [STAGE_VARIABLE]: 'dev',
    [SLACK_BUTTONS_VARIABLE]: 'true',
  },
  { capture: true },
);
/** Every line written to stdout and stderr while the file runs (the handlers' logs among them). */
const written = slack.written;

const finished = (executionArn: string) =>
  until(() => sfn().send(new DescribeExecutionCommand({ executionArn })), (e) => e.status !== 'RUNNING');
const executions = async () => (await sfn().send(new ListExecutionsCommand({ stateMachineArn: machineArn }))).executions ?? [];
const slackMessages = async () => (await sim.admin<{ messages: SlackMessage[] }>('GET', '/_sim/slack')).messages;
const click = (messageSeq: number, user: { id: string }, extra: Record<string, unknown> = {}) =>
  sim.admin<{ status: number; body: string }>('POST', '/_sim/slack-click', {
    url: slack.url,
    signingSecret: SIGNING_SECRET,
    messageSeq,
    actionId: 'keyturn.retry',
    user,
    channel: CHANNEL,
    ...extra,
  });
const pressSnooze = (messageSeq: number, user: { id: string }, name: string) =>
  sim.admin<{ status: number; body: string }>('POST', '/_sim/slack-click', {
    url: slack.url,
    signingSecret: SIGNING_SECRET,
    messageSeq,
    actionId: 'keyturn.snooze',
    valueContains: name,
    user,
    channel: CHANNEL,
  });

let machineArn = '';

describe('Retry on a failed rotation, from Slack', () => {
  let failedArn = '';
  let failureSeq = 0;
  let keyGroupId = '';
  let legacyKeyId = '';

  it('a failed rotation is undone and its message carries a Retry button naming the target and the execution', async () => {
    const cf = new CloudFrontClient({});
    const sm = new SecretsManagerClient({});
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const legacy = await cf.send(new CreatePublicKeyCommand({ PublicKeyConfig: { Name: 'legacy', CallerReference: 'legacy', EncodedKey: pair.publicKey } }));
    legacyKeyId = legacy.PublicKey!.Id!;
    keyGroupId = (await cf.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: 'media', Items: [legacyKeyId] } }))).KeyGroup!.Id!;
    await sm.send(new CreateSecretCommand({ Name: 'keyturn/slack/webhook', SecretString: JSON.stringify({ url: `${sim.url}/_sim/slack/services/T0/B0/hook` }) }));
    await sm.send(new CreateSecretCommand({ Name: SIGNING_SECRET_ID, SecretString: SIGNING_SECRET }));
    machineArn = (await sfn().send(new CreateStateMachineCommand({ name: MACHINE, definition: readFileSync(`${root}/state-machines/rotate-cloudfront-key.asl.json`, 'utf8'), roleArn: 'arn:aws:iam::123456789012:role/keyturn' }))).stateMachineArn!;
    // The new key's creation is refused once: the rotation fails after it stored a pending key.
    await sim.admin('POST', '/_sim/faults', { service: 'cloudfront', operation: 'CreatePublicKey', error: { code: 'AccessDenied', status: 403 }, count: 1 });

    const input = { target: 'media-signing-key', keyGroupId, secretId: 'keyturn/cloudfront/media-signing-key', graceSeconds: 60, slackWebhookSecretId: 'keyturn/slack/webhook', testUrlBase: `${sim.url}/_sim/cloudfront/${keyGroupId}` };
    failedArn = (await sfn().send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'nightly-1', input: JSON.stringify(input) }))).executionArn!;

    expect((await finished(failedArn)).status).toBe('FAILED');
    const failure = (await slackMessages()).at(-1)!;
    failureSeq = failure.seq;
    const buttons = (failure.body as { blocks: { type: string; elements?: { action_id: string; value: string }[] }[] }).blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => b.action_id)).toEqual(['keyturn.retry']);
    expect(JSON.parse(buttons[0]!.value)).toEqual({ target: 'media-signing-key', executionArn: failedArn });
    // The failure message links to its execution in the console too.
    expect(JSON.stringify(failure.body)).toContain(`#/v2/executions/details/${encodeURIComponent(failedArn)}`);
  });

  it('refuses forged, replayed and unsigned clicks with 401, and starts nothing', async () => {
    expect(await click(failureSeq, ON_CALL, { signingSecret: 'not-the-signing-secret' })).toMatchObject({ status: 401 });
    expect(await click(failureSeq, ON_CALL, { timestamp: Math.floor(Date.now() / 1000) - 600 })).toMatchObject({ status: 401 });
    const unsigned = await fetch(slack.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'payload=%7B%7D' });
    expect(unsigned.status).toBe(401);
    expect(await executions()).toHaveLength(1);
  });

  it("ignores Slack's redelivery of a request (X-Slack-Retry-Num)", async () => {
    expect(await click(failureSeq, ON_CALL, { retryNum: 1 })).toEqual({ status: 200, body: '' });
    expect(await executions()).toHaveLength(1);
  });

  it('tells a user the target does not list that they may not retry, and starts nothing', async () => {
    const before = (await slackMessages()).length;
    expect(await click(failureSeq, STRANGER)).toMatchObject({ status: 200 });

    const reply = (await slackMessages()).slice(before);
    expect(reply.map((m) => [m.path, (m.body as { response_type?: string }).response_type])).toEqual([[`/actions/${failureSeq}`, 'ephemeral']]);
    expect((reply[0]!.body as { text: string }).text).toContain('not allowed to retry media-signing-key');
    expect(await executions()).toHaveLength(1);
  });

  it('retries for a listed user: the same rotation runs again and succeeds, even when Slack fails the message update', async () => {
    await sim.admin('POST', '/_sim/faults', { service: 'slack', operation: 'PostMessage', error: { code: 'internal_error', status: 500 }, count: 1 });
    expect(await click(failureSeq, ON_CALL)).toMatchObject({ status: 200 });

    const retried = (await executions()).find((e) => e.executionArn !== failedArn)!;
    const done = await finished(retried.executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.input!)).toMatchObject({ target: 'media-signing-key', rotationId: 'nightly-1' });
    expect(JSON.parse(done.output!)).toMatchObject({ rotated: true, rotationId: 'nightly-1' });
    // Its success message links to the execution in the console.
    const rotated = (await until(slackMessages, (all) => all.some((m) => JSON.stringify(m.body).includes('Rotated key group')))).find((m) => JSON.stringify(m.body).includes('Rotated key group'))!;
    expect(JSON.stringify(rotated.body)).toContain(`https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${encodeURIComponent(retried.executionArn!)}`);
    // A first rotation (no secret yet): the new key joins the hand-made one, which the secret never named.
    const group = await new CloudFrontClient({}).send(new GetKeyGroupCommand({ Id: keyGroupId }));
    expect(group.KeyGroup?.KeyGroupConfig?.Items).toEqual([legacyKeyId, JSON.parse(done.output!).newPublicKeyId]);
  });

  it('a second click (or a second person) starts nothing more, and the message says who retried, when, and how it went', async () => {
    const before = (await slackMessages()).length;
    expect(await click(failureSeq, ON_CALL)).toMatchObject({ status: 200 });

    expect(await executions()).toHaveLength(2);
    const update = (await slackMessages()).slice(before).find((m) => m.path === `/actions/${failureSeq}`)!.body as { replace_original: boolean; blocks: { type: string; elements?: { text: string }[] }[] };
    expect(update.replace_original).toBe(true);
    // The buttons are gone; the last block says what happened.
    expect(update.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(update.blocks.at(-1)?.elements?.[0]?.text).toMatch(/^<@U0ONCALL> asked for a retry at \d{4}-\d\d-\d\d \d\d:\d\d UTC: already retried, execution retry-[0-9a-f]{40} is SUCCEEDED$/);
  });

  it('never lets the signing secret, a signature or a request body reach a log, a message or an execution', async () => {
    const histories = await Promise.all((await executions()).map((e) => sfn().send(new GetExecutionHistoryCommand({ executionArn: e.executionArn! }))));
    const recorded = JSON.stringify([written, await slackMessages(), histories]);
    expect(written.join('')).toContain('slack request refused');
    expect(recorded).not.toContain(SIGNING_SECRET);
    expect(recorded).not.toMatch(/v0=[0-9a-f]{64}/);
    expect(written.join('')).not.toContain('payload=');
  });
});

describe('Snooze 7 days on a certificate in the expiry digest, from Slack', () => {
  const EXPIRY_MACHINE = 'keyturn-check-iam-cert-expiry-dev';
  const input = { target: 'server-certificate-expiry', slackWebhookSecretId: 'keyturn/slack/webhook', thresholdsDays: [30, 7] };
  let expiryArn = '';
  const runCheck = async (name: string, extra: Record<string, unknown> = {}) => {
    const started = await sfn().send(new StartExecutionCommand({ stateMachineArn: expiryArn, name, input: JSON.stringify({ ...input, ...extra }) }));
    expect((await finished(started.executionArn!)).status).toBe('SUCCEEDED');
    return (await slackMessages()).at(-1)!;
  };
  type Section = { type: string; text?: { text: string }; accessory?: { action_id: string; value: string }; elements?: { text: string }[] };

  it('the digest offers a Snooze button per listed certificate; an allowed click snoozes it, and the next digest mutes it until then, saying who', async () => {
    const iam = new IAMClient({});
    for (const [name, days] of [['www-example-com', 5], ['api-example-com', 20]] as const) {
      const cert = await makeCertificate({ commonName: `${name}.test`, keyAlgorithm: 'EC-P256', notAfter: new Date(Date.now() + days * DAY_MS + 3_600_000) });
      await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: name, CertificateBody: cert.certificatePem, PrivateKey: cert.privateKeyPem }));
    }
    expiryArn = (await sfn().send(new CreateStateMachineCommand({ name: EXPIRY_MACHINE, definition: readFileSync(`${root}/state-machines/check-iam-cert-expiry.asl.json`, 'utf8'), roleArn: 'arn:aws:iam::123456789012:role/keyturn' }))).stateMachineArn!;

    const digest = await runCheck('daily-1');
    const sections = (digest.body as { blocks: Section[] }).blocks;
    const buttons = sections.flatMap((b) => (b.accessory ? [JSON.parse(b.accessory.value) as { target: string; name: string; arn: string }] : []));
    expect(buttons.map((b) => [b.target, b.name])).toEqual([['server-certificate-expiry', 'www-example-com'], ['server-certificate-expiry', 'api-example-com']]);

    // The user the snooze rule does not list: nothing is stored.
    expect(await pressSnooze(digest.seq, STRANGER, 'www-example-com')).toMatchObject({ status: 200 });
    expect(JSON.stringify((await slackMessages()).at(-1)!.body)).toContain('not allowed to snooze server-certificate-expiry');

    expect(await pressSnooze(digest.seq, ON_CALL, 'www-example-com')).toMatchObject({ status: 200 });
    const update = (await slackMessages()).at(-1)!.body as { replace_original: boolean; blocks: Section[] };
    expect(update.replace_original).toBe(true);
    // The snoozed certificate's button is gone; the other one's stays.
    expect(update.blocks.flatMap((b) => (b.accessory ? [JSON.parse(b.accessory.value).name] : []))).toEqual(['api-example-com']);
    expect(update.blocks.at(-1)?.elements?.[0]?.text).toMatch(/^<@U0ONCALL> snoozed www-example-com at .* UTC, until \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);

    const next = JSON.stringify((await runCheck('daily-2')).body);
    expect(next).not.toContain('*www-example-com*');
    expect(next).toMatch(/Muted \(not alerted\): www-example-com \(5 days left, snoozed until \d{4}-\d\d-\d\d \d\d:\d\d UTC by <@U0ONCALL>\)/);
    expect(next).toContain('*api-example-com*');
  });

  it('"Import renewed" on a certificate an import target renews starts that import once, and says who', async () => {
    const renewed = await makeCertificate({ commonName: 'api-example-com.test', keyAlgorithm: 'EC-P256', notAfter: new Date(Date.now() + 400 * DAY_MS) });
    await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: RENEW_API_INPUT.sourceSecretId, SecretString: JSON.stringify({ certificateBody: renewed.certificatePem, privateKey: renewed.privateKeyPem }) }));
    const importArn = (await sfn().send(new CreateStateMachineCommand({ name: 'keyturn-import-iam-server-cert-dev', definition: readFileSync(`${root}/state-machines/import-iam-server-cert.asl.json`, 'utf8'), roleArn: 'arn:aws:iam::123456789012:role/keyturn' }))).stateMachineArn!;
    // As the config gives it: the import target renew-api renews api-example-com.
    const digest = await runCheck('daily-3', { imports: { 'api-example-com': 'renew-api' } });
    const actions = (digest.body as { blocks: Section[] }).blocks.filter((b) => b.type === 'actions') as unknown as { elements: { action_id: string; value: string }[] }[];
    expect(actions.map((a) => a.elements.map((e) => [e.action_id, JSON.parse(e.value).name]))).toEqual([[['keyturn.snooze', 'api-example-com'], ['keyturn.import-renewed', 'api-example-com']]]);
    const press = (user: { id: string }) =>
      sim.admin('POST', '/_sim/slack-click', { url: slack.url, signingSecret: SIGNING_SECRET, messageSeq: digest.seq, actionId: 'keyturn.import-renewed', user, channel: CHANNEL });

    await press(STRANGER);
    expect(JSON.stringify((await slackMessages()).at(-1)!.body)).toContain('not allowed to import renew-api');
    await press(ON_CALL);
    await press(ON_CALL);

    const imports = (await sfn().send(new ListExecutionsCommand({ stateMachineArn: importArn }))).executions ?? [];
    expect(imports.map((e) => e.name)).toEqual([expect.stringMatching(/^renew-api-import-\d{8}$/)]);
    const done = await finished(imports[0]!.executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.input!)).toEqual(RENEW_API_INPUT);
    const updates = (await slackMessages()).filter((m) => m.path === `/actions/${digest.seq}`).map((m) => JSON.stringify(m.body));
    expect(updates.at(-2)).toContain('<@U0ONCALL> started import-iam-server-cert for renew-api');
    expect(updates.at(-1)).toContain('renew-api was already imported from Slack today');
  });
});
