/**
 * The Slack interactivity endpoint's deploy (serverless/slack-interactivity.yml through
 * serverless/schedules.cjs): present only when keyturn.config.yml configures a Slack app, behind
 * a Function URL, and its role least-privileged by resource: it may start only keyturn's state
 * machines of the deploy's stage, read only their executions, read only the signing secret and
 * write only the expiry digest's snoozes, each in the deploy's own partition, region and account;
 * and it answers only the task tokens keyturn's approval steps keep under keyturn/approvals/.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

interface Statement {
  Effect: string;
  Action: string[];
  Resource: unknown;
}
interface Schedules {
  config(): Promise<{ slackButtons: string; slack: { signingSecretId?: string; signingSecret?: unknown; snoozeSecret?: unknown; access?: string; targets?: string; credentialSecrets?: unknown } }>;
  slackFunctions(): Promise<Record<string, { handler: string; url?: unknown; environment: Record<string, string>; iamRoleStatements: Statement[] }>>;
}

/** serverless/schedules.cjs as packaging loads it, fresh (it keeps the config it loaded first). */
function freshSchedules(): Schedules {
  const require = createRequire(import.meta.url);
  delete require.cache[require.resolve('../serverless/schedules.cjs')];
  return require('../serverless/schedules.cjs') as Schedules;
}

function useConfig(config: unknown): void {
  const file = join(mkdtempSync(join(tmpdir(), 'keyturn-slack-')), 'keyturn.config.yml');
  writeFileSync(file, stringify(config));
  process.env.KEYTURN_CONFIG = file;
}

const target = { workflow: 'rotate-cloudfront-key', input: { keyGroupId: 'kg', secretId: 'keyturn/cloudfront/media' } };
/** `arn:<partition>:<service>:<region>:<account>:<rest>` from the deploy's own Refs. */
const inDeploy = (service: string, rest: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, rest]],
});

describe('the Slack endpoint in the deploy', () => {
  const previous = process.env.KEYTURN_CONFIG;
  afterEach(() => {
    if (previous === undefined) delete process.env.KEYTURN_CONFIG;
    else process.env.KEYTURN_CONFIG = previous;
  });

  it('is not deployed, and messages carry no buttons, without a slack block', async () => {
    useConfig({ targets: { media: target } });
    const schedules = freshSchedules();

    expect(await schedules.slackFunctions()).toEqual({});
    expect((await schedules.config()).slackButtons).toBe('false');
  });

  it("starts only keyturn's state machines of its stage, reads only their executions and the signing secret, writes only the snoozes", async () => {
    useConfig({
      slack: { signingSecretId: 'keyturn/slack/signing-secret', allow: { retry: { channels: ['C024BE91L'] } } },
      targets: { media: { ...target, slack: { allow: { retry: { users: ['U024BE7LH'] } } } } },
    });
    const schedules = freshSchedules();
    const functions = await schedules.slackFunctions();
    const config = await schedules.config();

    expect(Object.keys(functions)).toEqual(['slackHandleRequest']);
    const fn = functions.slackHandleRequest!;
    expect(fn.url).toBe(true);
    expect(fn.iamRoleStatements).toEqual([
      { Effect: 'Allow', Action: ['states:StartExecution'], Resource: inDeploy('states', ':stateMachine:keyturn-*-${sls:stage}') },
      { Effect: 'Allow', Action: ['states:ListExecutions'], Resource: inDeploy('states', ':stateMachine:keyturn-*-${sls:stage}') },
      { Effect: 'Allow', Action: ['states:ListStateMachines'], Resource: '*' },
      { Effect: 'Allow', Action: ['secretsmanager:ListSecretVersionIds'], Resource: '${self:custom.keyturn.slack.credentialSecrets}' },
      { Effect: 'Allow', Action: ['states:DescribeExecution'], Resource: inDeploy('states', ':execution:keyturn-*-${sls:stage}:*') },
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: '${self:custom.keyturn.slack.signingSecret}' },
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
        Resource: '${self:custom.keyturn.slack.snoozeSecret}',
      },
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DeleteSecret'], Resource: '${self:custom.keyturnApprovals}' },
      // A task token is no IAM resource: the grant is "*", and the only tokens the role can read are keyturn/approvals/'s.
      { Effect: 'Allow', Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'], Resource: '*' },
    ]);
    const custom = (parse(readFileSync('serverless.yml', 'utf8')) as { custom: Record<string, unknown> }).custom;
    expect(custom.keyturnApprovals).toEqual(inDeploy('secretsmanager', ':secret:keyturn/approvals/*'));
    expect(config.slack.snoozeSecret).toEqual([inDeploy('secretsmanager', ':secret:keyturn/state/check-iam-cert-expiry-snoozes-??????')]);
    expect(config.slack.signingSecret).toEqual([inDeploy('secretsmanager', ':secret:keyturn/slack/signing-secret-??????')]);
    expect(config.slackButtons).toBe('true');
    // `/keyturn status` may list when each credential's versions were made: the targets' credential secrets only.
    expect(config.slack.credentialSecrets).toEqual([inDeploy('secretsmanager', ':secret:keyturn/cloudfront/media-??????')]);
    // The targets the commands act on, compressed (src/config/slack-endpoint-environment.ts).
    const { gunzipSync } = await import('node:zlib');
    expect(JSON.parse(gunzipSync(Buffer.from(config.slack.targets!, 'base64')).toString())).toEqual([
      { name: 'media', workflow: 'rotate-cloudfront-key', input: { ...target.input, target: 'media' }, enabled: true },
    ]);
    expect(JSON.parse(config.slack.access!)).toEqual({
      allow: { retry: { users: [], channels: ['C024BE91L'] } },
      targets: { media: { retry: { users: ['U024BE7LH'], channels: [] } } },
    });
    // The environment names the secret, never its value.
    expect(fn.environment).toEqual({
      KEYTURN_SLACK_SIGNING_SECRET_ID: '${self:custom.keyturn.slack.signingSecretId}',
      KEYTURN_SLACK_ACCESS: '${self:custom.keyturn.slack.access}',
      KEYTURN_SLACK_TARGETS: '${self:custom.keyturn.slack.targets}',
      KEYTURN_STAGE: '${sls:stage}',
    });
  });
});

describe("the rotations' approval steps in the deploy", () => {
  it.each(['rotate-cloudfront-key', 'rotate-lightsail-bucket-key', 'rotate-apigw-client-cert'])(
    '%s: the Ask approval role writes only keyturn/approvals/ and reads only the webhook; the undo may delete only there besides its own',
    (workflow) => {
      const functions = (parse(readFileSync(`serverless/${workflow}.yml`, 'utf8')) as { functions: Record<string, { iamRoleStatements: Statement[] }> }).functions;
      const ask = Object.entries(functions).find(([key]) => key.endsWith('AskApproval'))![1];
      const undo = Object.entries(functions).find(([key]) => key.endsWith('UndoRotation'))![1];

      expect(ask.iamRoleStatements).toEqual([
        { Effect: 'Allow', Action: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue'], Resource: '${self:custom.keyturnApprovals}' },
        { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: '${self:custom.keyturn.webhookSecrets}' },
      ]);
      expect(undo.iamRoleStatements.filter((s) => s.Resource === '${self:custom.keyturnApprovals}')).toEqual([
        { Effect: 'Allow', Action: ['secretsmanager:DeleteSecret'], Resource: '${self:custom.keyturnApprovals}' },
      ]);
    },
  );
});
