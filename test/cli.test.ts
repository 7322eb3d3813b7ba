import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keyturn, lastLine } from './support/cli';

const root = fileURLToPath(new URL('./fixtures/runner', import.meta.url));


const runFixture = (...args: string[]) => keyturn('run', 'fixture-flow', '--local', '--root', root, '--skip-waits', ...args);

describe('keyturn run', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('exits 0 and prints the output as JSON on the last line of stdout with --json', async () => {
    const { code, stdout, stderr } = await runFixture('--input', '{"value":1,"failTimes":1,"boom":"none"}', '--json');

    expect(code).toBe(0);
    expect(JSON.parse(lastLine(stdout))).toEqual({ value: 20, attempts: 2, finishedAt: '1970-01-01T00:00:00.000Z' });
    expect(stderr).toMatch(/entered +Prepare \(Task\)/);
    expect(stderr).toMatch(/failed +Flaky step .*FlakyError: attempt 1 failed/);
    expect(stderr).toMatch(/retried +Flaky step \(attempt 1\)/);
    expect(stderr).toMatch(/succeeded +Finish \(\d+ ms\)/);
  });

  it('reads the input from --input-file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keyturn-cli-')), 'input.json');
    writeFileSync(file, JSON.stringify({ value: 5, failTimes: 0, boom: 'none' }));

    const { code, stdout } = await runFixture('--input-file', file, '--json');

    expect(code).toBe(0);
    expect(JSON.parse(lastLine(stdout))).toMatchObject({ value: 60 });
  });

  it('exits 1 and names the error and the state when the workflow fails', async () => {
    const { code, stdout, stderr } = await runFixture('--input', '{"value":1,"failTimes":0,"boom":"fatal"}', '--json');

    expect(code).toBe(1);
    expect(stderr).toContain("FatalError in state 'Finish'");
    expect(JSON.parse(lastLine(stdout))).toMatchObject({ status: 'FAILED', error: { name: 'FatalError', state: 'Finish' } });
  });

  it('reports a caught failure that ends in a Fail state', async () => {
    const { code, stderr } = await runFixture('--input', '{"value":1,"failTimes":0,"boom":"caught"}');

    expect(code).toBe(1);
    expect(stderr).toMatch(/caught +Finish: BoomError/);
    expect(stderr).toContain("FixtureFailed in state 'Fixture failed'");
  });

  it.each([
    ['an unknown workflow', ['run', 'no-such-workflow', '--local', '--root', root], /unknown workflow 'no-such-workflow'/],
    ['invalid JSON input', ['run', 'fixture-flow', '--local', '--root', root, '--input', '{nope'], /--input: not valid JSON/],
    ['both --input and --input-file', ['run', 'fixture-flow', '--local', '--root', root, '--input', '{}', '--input-file', 'x.json'], /not both/],
    ['a missing input file', ['run', 'fixture-flow', '--local', '--root', root, '--input-file', '/nonexistent/input.json'], /no such file/],
    ['no workflow', ['run', '--local'], /which workflow/],
    ['an unknown flag', ['run', 'fixture-flow', '--local', '--nope'], /nope/],
    ['--skip-waits on a deployed run (no --local)', ['run', 'fixture-flow', '--root', root, '--skip-waits'], /--skip-waits only applies to --local/],
  ])('exits 2 on %s', async (_what, args, message) => {
    const { code, stderr } = await keyturn(...args);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('keyturn on a machine without AWS credentials', () => {
  const saved: Record<string, string | undefined> = {};
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED'];
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it.each([
    ['status', ['status', '--config', 'keyturn.config.yml']],
    ['plan', ['plan', '--config', 'keyturn.config.yml']],
    ['run (deployed)', ['run', 'rotate-cloudfront-key', '--input', '{"keyGroupId":"kg-1","secretId":"keyturn/cloudfront/a"}']],
    ['run --local', ['run', 'rotate-cloudfront-key', '--local', '--input', '{"keyGroupId":"kg-1","secretId":"keyturn/cloudfront/a"}']],
  ])('%s prints one line naming the missing credentials and how to reach the simulator, and exits 2', async (_, args) => {
    for (const name of names) saved[name] = process.env[name];
    for (const name of names) delete process.env[name];
    const empty = mkdtempSync(join(tmpdir(), 'keyturn-no-credentials-'));
    process.env.AWS_CONFIG_FILE = join(empty, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(empty, 'credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';

    const { code, stderr, stdout } = await keyturn(...args, '--root', fileURLToPath(new URL('..', import.meta.url)));

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('no AWS credentials found');
    expect(stderr).toContain('export AWS_ENDPOINT_URL=http://127.0.0.1:4566');
    expect(stderr).not.toMatch(/CredentialsProviderError|\n\s+at /);
  });
});
