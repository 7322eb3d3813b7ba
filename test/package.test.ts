/**
 * `npm run package` works offline and without credentials, and the template it writes deploys
 * what the fragments say: every function on nodejs22.x/arm64 with a role of its own, every
 * state machine, and each Task's `Fn::GetAtt` turned into that function's ARN.
 *
 * Packages the fixture workflow in a scratch copy of the project (the real serverless.yml with
 * its fragment list pointed at test/fixtures/runner), then the project itself.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { deployedWorkflows, loadWorkflow } from '../src/local/runner-workflow';

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(repo, 'test', 'fixtures', 'runner');

/** Offline and credential-free: no AWS variables at all, telemetry off. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  env.AWS_CONFIG_FILE = '/nonexistent';
  env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent';
  return env;
}

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

function expectDeploys(dir: string, root: string, workflows: string[]): void {
  const template = JSON.parse(readFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  const resources = template.Resources;
  const machines = Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  expect(machines).toHaveLength(workflows.length);
  const roles = new Set<string>();
  for (const workflow of workflows) {
    const config = loadWorkflow(workflow, root);
    for (const fn of config.functions) {
      const lambda = resources[fn.logicalId];
      expect(lambda?.Type, `${fn.logicalId} in the template`).toBe('AWS::Lambda::Function');
      expect(lambda!.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: fn.handler });
      const role = (lambda!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(role).not.toBe('IamRoleLambdaExecution');
      expect(resources[role]?.Type).toBe('AWS::IAM::Role');
      roles.add(role);
      expect(existsSync(join(dir, '.serverless', `${fn.key}.zip`)), `${fn.key}.zip`).toBe(true);
    }
    const machine = machines.find((m) => JSON.stringify(m.Properties.DefinitionString).includes(`"StartAt\\": \\"${config.definition.StartAt}\\"`)) ?? machines[0]!;
    const [body, substitutions] = (machine.Properties.DefinitionString as { 'Fn::Sub': [string, Record<string, unknown>] })['Fn::Sub'];
    expect(body).not.toContain('Fn::GetAtt');
    const substituted = Object.values(substitutions).map((s) => (s as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0]);
    for (const fn of config.functions.filter((f) => JSON.stringify(config.definition).includes(`"${f.logicalId}"`))) {
      expect(substituted, `${fn.logicalId} substituted into the definition`).toContain(fn.logicalId);
    }
  }
  expect(roles.size, 'one role per function').toBe(workflows.reduce((n, w) => n + loadWorkflow(w, root).functions.length, 0));
}

describe('npm run package', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'keyturn-package-'));
    const doc = parseDocument(readFileSync(join(repo, 'serverless.yml'), 'utf8'));
    doc.set('functions', ['${file(serverless/fixture-flow.yml):functions}']);
    doc.setIn(['stepFunctions', 'stateMachines'], { fixtureFlow: '${file(serverless/fixture-flow.yml):stateMachine}' });
    writeFileSync(join(scratch, 'serverless.yml'), doc.toString());
    for (const dir of ['serverless', 'state-machines', 'functions']) cpSync(join(fixtures, dir), join(scratch, dir), { recursive: true });
    cpSync(join(repo, 'scripts'), join(scratch, 'scripts'), { recursive: true });
    cpSync(join(repo, 'package.json'), join(scratch, 'package.json'));
    symlinkSync(join(repo, 'node_modules'), join(scratch, 'node_modules'), 'dir');
    symlinkSync(join(repo, 'src'), join(scratch, 'src'), 'dir');
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('packages a workflow fragment offline: functions on nodejs22.x arm64 with their own roles, the state machine with Lambda ARNs substituted', async () => {
    await exec('npm', ['run', 'package', '--silent'], { cwd: scratch, env: offlineEnv(), timeout: 170_000 });

    expectDeploys(scratch, fixtures, ['fixture-flow']);
  }, 180_000);

  const workflows = deployedWorkflows(repo);
  it.skipIf(workflows.length === 0)(`packages the project's workflows (${workflows.join(', ') || 'none listed in serverless.yml yet'})`, async () => {
    await exec('npm', ['run', 'package', '--silent'], { cwd: repo, env: offlineEnv(), timeout: 170_000 });

    expectDeploys(repo, repo, workflows);
  }, 180_000);
});
