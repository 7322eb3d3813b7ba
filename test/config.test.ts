import { createHash } from 'node:crypto';
/**
 * keyturn.config.yml: the committed example is valid, and `keyturn config check` rejects a
 * catalogue of bad configs naming the target, the field and the rule (exit 1, every problem
 * listed), with exit 2 for bad usage.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { keyturn } from './support/cli';
import { scheduleExpressionProblem } from '../src/config/schedule-expression';

const repo = fileURLToPath(new URL('..', import.meta.url));


function configFile(config: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'keyturn-config-')), 'keyturn.config.yml');
  writeFileSync(file, typeof config === 'string' ? config : stringify(config));
  return file;
}

const cloudfront = { workflow: 'rotate-cloudfront-key', schedule: 'rate(1 day)', input: { keyGroupId: 'kg-1', secretId: 'keyturn/cloudfront/a' } };
const check = (config: unknown) => keyturn('config', 'check', '--config', configFile(config), '--root', repo);

describe('keyturn config check', () => {
  afterEach(() => vi.restoreAllMocks());

  it('accepts the committed example config', async () => {
    const { code, stdout } = await keyturn('config', 'check', '--root', repo);

    expect(code).toBe(0);
    expect(stdout).toMatch(/keyturn\.config\.yml: valid/);
    expect(stdout).toMatch(/media-signing-key +rotate-cloudfront-key +rate\(1 day\)/);
  });

  it.each([
    ['an unknown global field', { targets: { a: cloudfront }, colour: 'red' }, "colour: unknown field (allowed: stage, region, slackWebhookSecretId, kmsKeyArn, slackWebhookUrlPrefixes, slack, targets)"],
    ['a webhook URL prefix with a user', { slackWebhookUrlPrefixes: ['https://me@proxy.example.com/slack/'], targets: { a: cloudfront } }, 'slackWebhookUrlPrefixes.0: must be an http(s) URL prefix with a host and a path'],
    ['a webhook URL prefix without a path', { slackWebhookUrlPrefixes: ['https://proxy.example.com'], targets: { a: cloudfront } }, 'slackWebhookUrlPrefixes.0: must be an http(s) URL prefix with a host and a path'],
    ['an unknown target field', { targets: { a: { ...cloudfront, retries: 3 } } }, "target 'a': retries: unknown field (allowed: workflow, input, schedule, enabled, kmsKeyArn, accountId, roleArn, region, slack, approval)"],
    ['an unknown input field (the workflow schema)', { targets: { a: { ...cloudfront, input: { ...cloudfront.input, keyGroup: 'x' } } } }, "target 'a': input.keyGroup: unknown field"],
    ['an input breaking the workflow rule', { targets: { a: { ...cloudfront, input: { ...cloudfront.input, secretId: 'other/a' } } } }, "target 'a': input.secretId: must be a secret name under keyturn/"],
    ['a missing required input field', { targets: { a: { ...cloudfront, input: { keyGroupId: 'kg-1' } } } }, "target 'a': input.secretId: is required"],
    ['an unknown workflow', { targets: { a: { ...cloudfront, workflow: 'rotate-everything' } } }, "target 'a': workflow: unknown workflow 'rotate-everything'"],
    ['a missing workflow', { targets: { a: { input: {} } } }, "target 'a': workflow: is required"],
    ['a singular rate unit for many', { targets: { a: { ...cloudfront, schedule: 'rate(5 minute)' } } }, "target 'a': schedule: rate(5 minute) must use the plural unit: rate(5 minutes)"],
    ['a plural rate unit for one', { targets: { a: { ...cloudfront, schedule: 'rate(1 days)' } } }, "target 'a': schedule: rate(1 days) must use the singular unit: rate(1 day)"],
    ['a cron with both day fields', { targets: { a: { ...cloudfront, schedule: 'cron(0 8 * * * *)' } } }, "target 'a': schedule: cron needs ? in exactly one of day-of-month and day-of-week"],
    ['a cron with 5 fields', { targets: { a: { ...cloudfront, schedule: 'cron(0 8 * * ?)' } } }, "target 'a': schedule: cron(...) needs 6 fields"],
    ['a schedule that is neither', { targets: { a: { ...cloudfront, schedule: 'daily' } } }, "target 'a': schedule: must be rate(<value> <unit>) or cron("],
    ['enabled that is not a boolean', { targets: { a: { ...cloudfront, enabled: 'no' } } }, "target 'a': enabled: must be true or false"],
    ['a bad target name', { targets: { Media_Key: cloudfront } }, "target 'Media_Key': (name): must be 1-40 lower-case letters"],
    ['a webhook secret outside keyturn/', { slackWebhookSecretId: 'slack', targets: { a: cloudfront } }, 'slackWebhookSecretId: must be a secret name under keyturn/'],
    ['a bad region', { region: 'Europe', targets: { a: cloudfront } }, 'region: must be an AWS region such as us-east-1'],
    ['no targets', { targets: {} }, 'targets: must declare at least one target'],
    ['an account without a role', { targets: { a: { ...cloudfront, accountId: '111122223333' } } }, "target 'a': roleArn: is required with accountId: keyturn acts in another account only through a role there"],
    ['a role in another account than accountId', { targets: { a: { ...cloudfront, accountId: '111122223333', roleArn: 'arn:aws:iam::444455556666:role/keyturn' } } }, "target 'a': roleArn: must be a role in account 111122223333 (accountId), not 444455556666"],
    ['a role ARN that is not one', { targets: { a: { ...cloudfront, roleArn: 'arn:aws:iam::111122223333:user/keyturn' } } }, "target 'a': roleArn: must be an IAM role ARN: arn:aws:iam::<account id>:role/<name>"],
    ['an account id that is not 12 digits', { targets: { a: { ...cloudfront, accountId: '1111', roleArn: 'arn:aws:iam::111122223333:role/k' } } }, "target 'a': accountId: must be a 12-digit AWS account id"],
    ['a bad target region', { targets: { a: { ...cloudfront, region: 'eu-west' } } }, "target 'a': region: must be an AWS region such as eu-west-1"],
    ['an account in the input as well as on the target', { targets: { a: { ...cloudfront, roleArn: 'arn:aws:iam::111122223333:role/k', input: { ...cloudfront.input, account: { region: 'eu-west-1' } } } } }, "target 'a': input.account: set by the target itself: use the target fields accountId, roleArn and region"],
    ['an expiry account with an id but no role', { slackWebhookSecretId: 'keyturn/slack/webhook', targets: { e: { workflow: 'check-iam-cert-expiry', input: { accounts: [{ label: 'prod', accountId: '111122223333' }] } } } }, "target 'e': input.accounts.0.roleArn: is required with accountId"],
    ['expiry accounts beside a target account', { slackWebhookSecretId: 'keyturn/slack/webhook', targets: { e: { workflow: 'check-iam-cert-expiry', roleArn: 'arn:aws:iam::111122223333:role/k', input: { accounts: [{ label: 'prod' }] } } } }, "target 'e': input.accounts: cannot be combined with account"],
    ['an expiry account without a label', { slackWebhookSecretId: 'keyturn/slack/webhook', targets: { e: { workflow: 'check-iam-cert-expiry', input: { accounts: [{ roleArn: 'arn:aws:iam::111122223333:role/k' }] } } } }, "target 'e': input.accounts.0.label: is required"],
    ['a target named constructor', { targets: { constructor: cloudfront } }, "target 'constructor': (name): is reserved (a JavaScript object property name)"],
    ['a secret name with a .. segment', { targets: { a: { ...cloudfront, input: { ...cloudfront.input, secretId: 'keyturn/../prod/db' } } } }, "target 'a': input.secretId: must be a secret name under keyturn/ (letters, digits, /_+=.@-; no .. segment)"],
    ['a webhook secret with a .. segment at the end', { slackWebhookSecretId: 'keyturn/slack/..', targets: { a: cloudfront } }, 'slackWebhookSecretId: must be a secret name under keyturn/ (letters, digits, /_+=.@-; no .. segment)'],
    ['the same credential secret on two targets', { targets: { a: cloudfront, b: { ...cloudfront, input: { ...cloudfront.input, keyGroupId: 'kg-2' } } } }, "target 'b': input.secretId: secret keyturn/cloudfront/a is already target 'a's: each credential secret belongs to one target"],
    ['a role with a wildcard', { targets: { a: { ...cloudfront, roleArn: 'arn:aws:iam::111122223333:role/keyturn-*' } } }, "target 'a': roleArn: must be an IAM role ARN"],
    ['a role with a wildcard in its path', { targets: { a: { ...cloudfront, roleArn: 'arn:aws:iam::111122223333:role/*/keyturn' } } }, "target 'a': roleArn: must be an IAM role ARN"],
    ['a role in an unknown partition', { targets: { a: { ...cloudfront, roleArn: 'arn:aws-evil:iam::111122223333:role/keyturn' } } }, "target 'a': roleArn: must be an IAM role ARN"],
    ['a role in another partition than the deploy', { region: 'cn-north-1', targets: { a: { ...cloudfront, roleArn: 'arn:aws:iam::111122223333:role/keyturn' } } }, "target 'a': roleArn: must be in the partition keyturn is deployed in (aws-cn, region cn-north-1), not aws"],
    ['an expiry account role in another partition', { region: 'us-gov-west-1', slackWebhookSecretId: 'keyturn/slack/webhook', targets: { e: { workflow: 'check-iam-cert-expiry', input: { accounts: [{ label: 'prod', roleArn: 'arn:aws:iam::111122223333:role/k' }] } } } }, "target 'e': input.accounts.0.roleArn: must be in the partition keyturn is deployed in (aws-us-gov"],
    ['a testUrlBase over 2048 characters', { targets: { a: { ...cloudfront, input: { ...cloudfront.input, testUrlBase: `https://cdn.example.com/${'p'.repeat(2048)}` } } } }, "target 'a': input.testUrlBase: must be at most 2048 characters"],
    ['an input over EventBridge\'s 8 KB', { slackWebhookSecretId: 'keyturn/slack/webhook', targets: { e: { workflow: 'check-iam-cert-expiry', input: { mutedCertificateNames: Array.from({ length: 100 }, (_, i) => `muted-certificate-${i}-${'x'.repeat(80)}`) } } } }, "target 'e': input: is 10"],
    ['a required input the global webhook would fill, missing both', { targets: { e: { workflow: 'check-iam-cert-expiry', schedule: 'cron(0 8 * * ? *)' } } }, "target 'e': input.slackWebhookSecretId: is required"],
    ['a Slack block without its signing secret', { slack: { allow: {} }, targets: { a: cloudfront } }, 'slack.signingSecretId: is required'],
    ['a Slack rule naming a user by name', { slack: { signingSecretId: 'keyturn/slack/signing-secret', allow: { retry: { users: ['alice'] } } }, targets: { a: cloudfront } }, 'slack.allow.retry.users.0: must be a Slack user id such as U024BE7LH'],
    ['a Slack rule for an action keyturn has not', { slack: { signingSecretId: 'keyturn/slack/signing-secret', allow: { deploy: {} } }, targets: { a: cloudfront } }, 'slack.allow.deploy: unknown field'],
    ['a target Slack rule naming a channel by name', { targets: { a: { ...cloudfront, slack: { allow: { retry: { channels: ['#ops'] } } } } } }, "target 'a': slack.allow.retry.channels.0: must be a Slack channel id such as C024BE91L"],
    ['an approval without the Slack app that answers it', { slackWebhookSecretId: 'keyturn/slack/webhook', targets: { a: { ...cloudfront, approval: { approvers: ['U024BE7LH'] } } } }, "target 'a': approval: needs the config's slack block"],
    ['an approval without a webhook to ask in', { slack: { signingSecretId: 'keyturn/slack/signing-secret' }, targets: { a: { ...cloudfront, approval: { approvers: ['U024BE7LH'] } } } }, "target 'a': approval: needs slackWebhookSecretId"],
    ['an approval on a workflow without a gate', { slackWebhookSecretId: 'keyturn/slack/webhook', slack: { signingSecretId: 'keyturn/slack/signing-secret' }, targets: { e: { workflow: 'check-iam-cert-expiry', approval: { approvers: ['U024BE7LH'] } } } }, "target 'e': approval: check-iam-cert-expiry has no approval gate (only the rotations do)"],
    ['an approval with no approvers', { slackWebhookSecretId: 'keyturn/slack/webhook', slack: { signingSecretId: 'keyturn/slack/signing-secret' }, targets: { a: { ...cloudfront, approval: { approvers: [] } } } }, "target 'a': input.approval.approvers: must list at least one Slack user id"],
    ['an approval naming an approver by name', { slackWebhookSecretId: 'keyturn/slack/webhook', slack: { signingSecretId: 'keyturn/slack/signing-secret' }, targets: { a: { ...cloudfront, approval: { approvers: ['alice'] } } } }, "target 'a': input.approval.approvers.0: must be a Slack user id such as U024BE7LH"],
    ['an approval timeout over a week', { slackWebhookSecretId: 'keyturn/slack/webhook', slack: { signingSecretId: 'keyturn/slack/signing-secret' }, targets: { a: { ...cloudfront, approval: { approvers: ['U024BE7LH'], timeoutSeconds: 700000 } } } }, "target 'a': input.approval.timeoutSeconds: must be at most 604800 (7 days)"],
    [
      "more targets than the Slack endpoint's environment holds",
      {
        slack: { signingSecretId: 'keyturn/slack/signing-secret' },
        targets: Object.fromEntries(
          // Ids as random as real ones (they do not compress away).
          Array.from({ length: 60 }, (_, i) => {
            const id = createHash('sha256').update(String(i)).digest('hex');
            return [`t${i}`, { workflow: 'rotate-cloudfront-key', input: { keyGroupId: `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-8${id.slice(17, 20)}-${id.slice(20, 32)}`, secretId: `keyturn/cloudfront/${id.slice(32)}` } }];
          }),
        ),
      },
      "slack: the Slack endpoint's environment (its access rules and the 60 targets, compressed) would be",
    ],
    ['an input naming another target', { targets: { a: { ...cloudfront, input: { ...cloudfront.input, target: 'b' } } } }, "target 'a': input.target: names target 'b': set by keyturn to the target's own name"],
  ])('rejects %s with a message naming it (exit 1)', async (_, config, message) => {
    const { code, stderr } = await check(config);

    expect(code).toBe(1);
    expect(stderr).toContain(message);
  });

  it('lists every problem of a config at once, not only the first', async () => {
    const { code, stderr } = await check({ stage: 'a b', targets: { a: { ...cloudfront, schedule: 'rate(0 days)' }, b: { ...cloudfront, extra: 1 } } });

    expect(code).toBe(1);
    expect(stderr).toMatch(/3 problem/);
    expect(stderr).toContain('stage: must be 1-16 letters');
    expect(stderr).toContain("target 'a': schedule: rate value must be a positive whole number");
    expect(stderr).toContain("target 'b': extra: unknown field");
  });

  it('accepts a target in another account and region, and says where it is', async () => {
    const { code, stdout } = await check({ targets: { a: { ...cloudfront, accountId: '111122223333', roleArn: 'arn:aws:iam::111122223333:role/keyturn-target', region: 'eu-west-1' } } });

    expect(code).toBe(0);
    expect(stdout).toContain('rate(1 day), in 111122223333 (as arn:aws:iam::111122223333:role/keyturn-target), eu-west-1');
  });

  it("gives each rotation's input its target's name, and takes the Slack app and its per-target rules", async () => {
    const { loadConfig } = await import('../src/config/load-config');
    const config = loadConfig(
      configFile({
        slack: { signingSecretId: 'keyturn/slack/signing-secret', allow: { retry: { channels: ['C024BE91L'] } } },
        targets: { a: { ...cloudfront, slack: { allow: { retry: { users: ['U024BE7LH'] } } } }, e: { workflow: 'import-iam-server-cert', enabled: false, input: { sourceSecretId: 'keyturn/certificates/a', serverCertificateName: 'a', slackWebhookSecretId: 'keyturn/slack/webhook' } } },
      }),
      { root: repo },
    );

    expect(config.slack).toEqual({ signingSecretId: 'keyturn/slack/signing-secret', allow: { retry: { users: [], channels: ['C024BE91L'] } } });
    expect(config.targets[0]).toMatchObject({ name: 'a', input: { target: 'a' }, slackAllow: { retry: { users: ['U024BE7LH'], channels: [] } } });
    // A workflow whose input takes no target gets none.
    expect(config.targets[1]?.input).not.toHaveProperty('target');
  });

  it("gives each expiry check the certificates the import targets renew (the digest's Import renewed)", async () => {
    const { loadConfig } = await import('../src/config/load-config');
    const config = loadConfig(
      configFile({
        slackWebhookSecretId: 'keyturn/slack/webhook',
        targets: {
          expiry: { workflow: 'check-iam-cert-expiry' },
          'renew-www': { workflow: 'import-iam-server-cert', enabled: false, input: { sourceSecretId: 'keyturn/certificates/www', serverCertificateName: 'www-2027', renews: 'www-2026' } },
        },
      }),
      { root: repo },
    );

    expect(config.targets.find((t) => t.name === 'expiry')?.input.imports).toEqual({ 'www-2026': 'renew-www' });
  });

  it("passes a target's approval to its rotation's input, with its defaults", async () => {
    const { loadConfig } = await import('../src/config/load-config');
    const config = loadConfig(
      configFile({
        slackWebhookSecretId: 'keyturn/slack/webhook',
        slack: { signingSecretId: 'keyturn/slack/signing-secret' },
        targets: { a: { ...cloudfront, approval: { approvers: ['U024BE7LH'], beforeStart: true } } },
      }),
      { root: repo },
    );

    expect(config.targets[0]?.input.approval).toEqual({ approvers: ['U024BE7LH'], beforeStart: true });
  });

  it('fills the global slackWebhookSecretId into targets whose workflow takes one', async () => {
    const { code } = await check({ slackWebhookSecretId: 'keyturn/slack/webhook', targets: { e: { workflow: 'check-iam-cert-expiry', schedule: 'cron(0 8 * * ? *)' } } });

    expect(code).toBe(0);
  });

  it('rejects a target named __proto__ (which a YAML map would otherwise drop silently)', async () => {
    const { code, stderr } = await keyturn('config', 'check', '--config', configFile(`targets:\n  __proto__:\n    workflow: rotate-cloudfront-key\n    input: { keyGroupId: kg-1, secretId: keyturn/cloudfront/a }\n  ok:\n    workflow: rotate-cloudfront-key\n    input: { keyGroupId: kg-2, secretId: keyturn/cloudfront/b }\n`), '--root', repo);

    expect(code).toBe(1);
    expect(stderr).toContain("target '__proto__': (name)");
  });

  it('refuses a YAML alias bomb with one line and exit 2, not a stack trace', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'targets: [*d, *d, *d, *d, *d, *d, *d, *d, *d]'].join('\n');
    const { code, stderr } = await keyturn('config', 'check', '--config', configFile(`${bomb}\n`), '--root', repo);

    expect(code).toBe(2);
    expect(stderr).toMatch(/not valid YAML: Excessive alias count/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects YAML that does not parse (duplicate keys included)', async () => {
    const { code, stderr } = await keyturn('config', 'check', '--config', configFile('targets:\n  a: 1\n  a: 2\n'), '--root', repo);

    expect(code).toBe(2);
    expect(stderr).toMatch(/not valid YAML/);
  });

  it('exits 2 for a missing file, an unknown subcommand or flag', async () => {
    expect((await keyturn('config', 'check', '--config', '/nonexistent.yml')).code).toBe(2);
    expect((await keyturn('config', 'lint')).code).toBe(2);
    expect((await keyturn('config', 'check', '--strict')).code).toBe(2);
  });
});

describe('scheduleExpressionProblem', () => {
  it.each(['rate(1 minute)', 'rate(15 minutes)', 'rate(1 day)', 'cron(0 8 * * ? *)', 'cron(0/15 * ? * MON-FRI *)', 'cron(0 12 L * ? 2030)', 'cron(30 2 ? * 2#1 *)'])('accepts %s', (expression) => {
    expect(scheduleExpressionProblem(expression)).toBeUndefined();
  });

  it.each(['rate(1.5 hours)', 'rate(2 weeks)', 'cron(60 8 * * ? *)', 'cron(0 24 * * ? *)', 'cron(0 8 32 * ? *)', 'cron(0 8 ? * ? *)', 'every day'])('rejects %s', (expression) => {
    expect(scheduleExpressionProblem(expression)).toBeDefined();
  });
});

describe('workflowInputSchemas', () => {
  it('checks every workflow target with the schema its first state applies', async () => {
    const { workflowInputSchemas } = await import('../src/config/workflow-inputs');
    const { listWorkflows } = await import('../src/local/runner');
    expect(Object.keys(workflowInputSchemas).sort()).toEqual(listWorkflows(repo));
  });
});

describe('README "Configuration"', () => {
  it('shows an example config that passes keyturn config check', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const example = /## Configuration[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, 'README has a yaml example under "Configuration"').toBeDefined();
    const { code, stdout } = await check(example!);
    expect(code).toBe(0);
    expect(stdout).toContain('5 target(s), 4 scheduled');
  });

  it('shows a Slack app configuration that passes keyturn config check', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const example = /## Slack: retry, snooze and approve from the message[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, 'README has a yaml example under "Slack: retry, snooze and approve from the message"').toBeDefined();
    const { code, stderr } = await check(example!);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('shows targets in other accounts and regions that pass keyturn config check, saying where each is', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const example = /### Targets in other accounts and regions[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, 'README has a yaml example under "Targets in other accounts and regions"').toBeDefined();
    const { code, stdout, stderr } = await check(example!);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('rate(1 day), in 111122223333 (as arn:aws:iam::111122223333:role/keyturn-target)');
    expect(stdout).toMatch(/eu-uploads-bucket-key +rotate-lightsail-bucket-key +manual runs only, eu-west-1/);
  });
});
