/**
 * `npm run package` works offline and without credentials, and the template it writes deploys
 * what the fragments say: every function on nodejs22.x/arm64 with a role of its own, every
 * state machine, and each Task's `Fn::GetAtt` turned into that function's ARN.
 *
 * Packages the fixture workflow in a scratch copy of the project (the real serverless.yml with
 * its fragment list pointed at test/fixtures/runner), then the project itself (once per run,
 * shared with test/least-privilege.test.ts).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDocument } from 'yaml';
import { mostUrgentExpiryThreshold, normalizedName } from '../src/config/deploy-resources';
import { loadConfig } from '../src/config/load-config';
import { functionsActingInTargets } from '../src/config/target-role-policies';
import { powertoolsExpiryMetrics } from '../src/iam/expiry-metrics';
import { deployedWorkflows, loadWorkflow } from '../src/local/runner-workflow';
import { offlineEnv, packageProject } from './support/packaged-template';

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(repo, 'test', 'fixtures', 'runner');

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
    // By name (several workflows may share a StartAt state name), else by StartAt.
    const machine =
      machines.find((m) => m.Properties.StateMachineName === config.stateMachineName.replace(/local$/, 'dev')) ??
      machines.find((m) => JSON.stringify(m.Properties.DefinitionString).includes(`"StartAt\\": \\"${config.definition.StartAt}\\"`)) ??
      machines[0]!;
    const [body, substitutions] = (machine.Properties.DefinitionString as { 'Fn::Sub': [string, Record<string, unknown>] })['Fn::Sub'];
    expect(body).not.toContain('Fn::GetAtt');
    const substituted = Object.values(substitutions).map((s) => (s as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0]);
    for (const fn of config.functions.filter((f) => JSON.stringify(config.definition).includes(`"${f.logicalId}"`))) {
      expect(substituted, `${fn.logicalId} substituted into the definition`).toContain(fn.logicalId);
    }
  }
  expect(roles.size, 'one role per function').toBe(workflows.reduce((n, w) => n + loadWorkflow(w, root).functions.length, 0));
}

/**
 * Issue 7, from keyturn.config.yml: every state machine logs at ERROR without execution data, is
 * traced, and has an ExecutionsFailed alarm on the alarm topic; every enabled scheduled target has
 * an EventBridge schedule starting its state machine with its input; the failure notifier listens
 * to Step Functions status changes.
 */
function expectObservedAndScheduled(dir: string, workflows: string[]): void {
  const template = JSON.parse(readFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8')) as Template & { Resources: Record<string, { DependsOn?: string[] }> };
  const resources = template.Resources;
  const machineIds = Object.keys(resources).filter((id) => resources[id]!.Type === 'AWS::StepFunctions::StateMachine');
  for (const id of machineIds) {
    const properties = resources[id]!.Properties;
    expect(properties.StateMachineType ?? 'STANDARD', `${id} type`).toBe('STANDARD');
    expect(properties.LoggingConfiguration, `${id} logging`).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false });
    expect(properties.TracingConfiguration, `${id} tracing`).toEqual({ Enabled: true });
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.Properties.Dimensions) === JSON.stringify([{ Name: 'StateMachineArn', Value: { Ref: id } }]));
    expect(alarms, `${id} alarm`).toHaveLength(1);
    expect(alarms[0]!.Properties).toMatchObject({ MetricName: 'ExecutionsFailed', AlarmActions: [{ Ref: 'KeyturnAlarmTopic' }] });
  }
  expect(machineIds).toHaveLength(workflows.length);
  expect(resources.KeyturnAlarmTopic?.Type).toBe('AWS::SNS::Topic');

  const config = loadConfig(join(dir, 'keyturn.config.yml'), { root: dir });
  const rules = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule' && String(r.Properties.Description ?? '').startsWith('keyturn target '));
  const scheduled = config.targets.filter((t) => t.enabled && t.schedule);
  expect(rules.map((r) => r.Properties.ScheduleExpression).sort()).toEqual(scheduled.map((t) => t.schedule).sort());
  for (const target of scheduled) {
    const rule = rules.find((r) => r.Properties.Name === `keyturn-${target.name}-dev`)!;
    const [ruleTarget] = rule.Properties.Targets as Array<{ Arn: { Ref: string }; Input: string }>;
    expect(JSON.parse(ruleTarget!.Input)).toEqual(target.input);
    expect(ruleTarget!.Arn.Ref).toBe(`KeyturnDash${target.workflow.replace(/-/g, 'Dash')}Dashdev`);
  }
  const notifier = Object.values(resources).find((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.EventPattern ?? {}).includes('Step Functions Execution Status Change'));
  expect(notifier?.Properties.EventPattern).toMatchObject({ source: ['aws.states'], detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] } });
}

interface MetricIdentity {
  Namespace: string;
  MetricName: string;
  Dimensions: Array<{ Name: string; Value: string }>;
}

/**
 * The series the check function really emits, by its own code and with its environment from the
 * packaged template: each EMF document's namespace, metric and dimension values.
 */
async function emittedExpirySeries(environment: Record<string, string>): Promise<{ perCertificate: MetricIdentity; minimum: MetricIdentity }> {
  const saved = { ...process.env };
  Object.assign(process.env, environment);
  const documents: Array<Record<string, unknown>> = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter((l) => l.includes('"_aws"'))) documents.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  });
  try {
    const { expiryMetrics } = await import('../functions/check-iam-cert-expiry/lib/wiring');
    const metrics = powertoolsExpiryMetrics(expiryMetrics());
    metrics.recordDaysToExpiry('www-example-com', 3);
    metrics.recordMinimumDaysToExpiry(3);
  } finally {
    spy.mockRestore();
    for (const name of Object.keys(environment)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
  const identities = documents.map((doc) => {
    const [directive] = (doc._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics;
    expect(directive!.Dimensions, 'one dimension set per document').toHaveLength(1);
    return {
      Namespace: directive!.Namespace,
      MetricName: directive!.Metrics[0]!.Name,
      Dimensions: directive!.Dimensions[0]!.map((name) => ({ Name: name, Value: String(doc[name]) })),
    };
  });
  expect(identities).toHaveLength(2);
  return { perCertificate: identities[0]!, minimum: identities[1]! };
}

/**
 * Issue 7, "the expiry metric alarm": one alarm on the packaged template, watching exactly the series
 * the check function emits for the fewest days left (not a per-certificate one, which would see one
 * certificate), in alarm at or below the most urgent configured threshold, a missing day keeping
 * its state, notifying the alarm topic.
 */
async function expectExpiryAlarm(dir: string): Promise<void> {
  const template = JSON.parse(readFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  const alarms = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.Namespace !== 'AWS/States');
  expect(alarms, 'one alarm besides the ExecutionsFailed ones').toHaveLength(1);
  const alarm = alarms[0]!.Properties;

  const checker = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'functions/check-iam-cert-expiry/check-certificates.handler');
  const environment = (checker?.Properties.Environment as { Variables: Record<string, string> }).Variables;
  const emitted = await emittedExpirySeries(environment);
  expect({ Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions }).toEqual(emitted.minimum);
  expect(emitted.minimum).not.toEqual(emitted.perCertificate);

  const config = loadConfig(join(dir, 'keyturn.config.yml'), { root: dir });
  const checks = config.targets.filter((t) => t.enabled && t.workflow === 'check-iam-cert-expiry');
  expect(checks.length, 'the committed config enables an expiry check').toBeGreaterThan(0);
  const configured = checks.flatMap((t) => (t.input.thresholdsDays as number[] | undefined) ?? []);
  expect(alarm).toMatchObject({
    Statistic: 'Minimum',
    ComparisonOperator: 'LessThanOrEqualToThreshold',
    Threshold: Math.min(...configured),
    Period: 86_400,
    EvaluationPeriods: 1,
    TreatMissingData: 'ignore',
    AlarmActions: [{ Ref: 'KeyturnAlarmTopic' }],
  });
  expect(mostUrgentExpiryThreshold(config)).toBe(alarm.Threshold);
}

/**
 * Acting in other accounts (src/config/target-role-policies.ts): the committed config names no
 * role, so nothing may assume one; and every function that may act in a target has the role
 * (`<Function>IamRoleLambdaExecution`) a generated policy would attach to.
 */
function expectNoTargetRoleGrants(root: string, workflows: string[]): void {
  const template = JSON.parse(readFileSync(join(root, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  const granting = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties).includes('sts:AssumeRole'));
  expect(granting).toEqual([]);
  const acting = workflows.flatMap((w) => functionsActingInTargets(root, w));
  expect(acting.length).toBeGreaterThan(10);
  for (const fn of acting) expect(template.Resources[`${normalizedName(fn)}IamRoleLambdaExecution`]?.Type, fn).toBe('AWS::IAM::Role');
}

describe('npm run package', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'keyturn-package-'));
    const doc = parseDocument(readFileSync(join(repo, 'serverless.yml'), 'utf8'));
    doc.set('functions', ['${file(serverless/fixture-flow.yml):functions}']);
    doc.setIn(['stepFunctions', 'stateMachines'], { fixtureFlow: '${file(serverless/fixture-flow.yml):stateMachine}' });
    // The fixture has no keyturn.config.yml: no schedules, alarms or notifier, and literal defaults.
    doc.delete('resources');
    doc.setIn(['custom', 'keyturn'], { stage: 'dev', region: 'us-east-1', slackWebhookSecretId: '', slackWebhookUrlPrefixes: '', slackButtons: 'false' });
    writeFileSync(join(scratch, 'serverless.yml'), doc.toString());
    for (const dir of ['serverless', 'state-machines', 'functions']) cpSync(join(fixtures, dir), join(scratch, dir), { recursive: true });
    // The project's own serverless plugins (serverless.yml lists them).
    cpSync(join(repo, 'serverless', 'plugins'), join(scratch, 'serverless', 'plugins'), { recursive: true });
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
    // Once per vitest run, shared with the other tests that read the template (test/support/packaged-template.ts).
    await packageProject();

    expectDeploys(repo, repo, workflows);
    expectObservedAndScheduled(repo, workflows);
    await expectExpiryAlarm(repo);
    expectNoTargetRoleGrants(repo, workflows);
  }, 180_000);
});
