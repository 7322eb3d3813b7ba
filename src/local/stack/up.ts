/**
 * `keyturn up`: keyturn's main job on the embedded simulator. It deploys the stack the config
 * describes into the simulator, through the same AWS APIs a deploy uses: one state machine per
 * workflow, named as serverless.yml names them, and one EventBridge rule per enabled scheduled
 * target, made from the same resources `npm run package` generates (src/config/deploy-resources.ts).
 * Then it runs a simulated clock (./clock.ts): the rules are read back from the simulator, each
 * fires when EventBridge would (./firings.ts) and starts its state machine with the target's
 * input, one execution at a time, each line saying what it did. Handlers see the simulated time.
 * At the end: the `keyturn status` table at the simulated date, what Slack got, and the metrics.
 *
 * Wait states (grace periods) move the clock on by their duration. Not simulated: concurrency.
 * Executions run one after another, so a firing that falls due while another run waits out its
 * grace period starts when that run ends.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeRuleCommand, EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { KeyturnConfig } from '../../config/config-schema';
import { deployResources, stateMachineLogicalId, type DeployedMachine } from '../../config/deploy-resources';
import { stateMachineName } from '../../status/state-machines';
import { targetStatuses, type TargetStatus } from '../../status/target-status';
import { scenarios } from '../demo/scenarios';
import { runnerExecutor } from '../runner-executor';
import { listWorkflows, LOCAL_ACCOUNT_ID } from '../runner-workflow';
import { startSimulator } from '../sim/server';
import type { SlackMessage } from '../sim/state';
import { SimulatedClock } from './clock';
import { captureMetrics, type MetricsSummary } from '../metrics-capture';
import { scheduleOf, type Schedule } from './firings';

const DAY_MS = 86_400_000;

export interface UpOptions {
  root: string;
  /** The stack's config, or a function that seeds a world of its own and returns the config for it (the soak). */
  config: KeyturnConfig | ((simUrl: string) => Promise<KeyturnConfig>);
  /** Seed the demo account first (the resources keyturn.config.yml names). */
  demo: boolean;
  /** How many simulated days to run. */
  days: number;
  /** Simulated seconds per real second; undefined: as fast as the machine allows. */
  speed?: number;
  /** Where the clock starts (default: now, to the minute). */
  start?: Date;
  out: (line: string) => void;
  /** A progress line, replaced as the clock runs (an interactive terminal). */
  progress?: (line: string) => void;
  /**
   * Keep the stack up after the run, its clock stopped at the end: `keyturn status` and
   * `keyturn run --target` reach it through AWS_ENDPOINT_URL until `serving.close()`.
   */
  keep?: boolean;
  /** The simulator's port (default: any free one). */
  port?: number;
  /** A world saved by `keyturn sim --state FILE` (or an earlier `keyturn up --state FILE`): run against it, and keep it there. */
  stateFile?: string;
  /** Before each firing, on the clock at its time (the soak injects faults and checks the world here). */
  beforeFiring?: (firing: { at: Date; target: string; workflow: string; simUrl: string }) => Promise<void>;
  /** After each execution ends. */
  afterExecution?: (line: ExecutionLine) => void;
}

export interface ExecutionLine {
  at: string;
  target: string;
  workflow: string;
  status: string;
  summary: string;
}

export interface UpResult {
  executions: ExecutionLine[];
  statuses: TargetStatus[];
  slack: { total: number; byKind: Record<string, number> };
  metrics: MetricsSummary;
  simulatedDays: number;
  wallMs: number;
  /** With `keep`: where the stack answers, and how to stop it. */
  serving?: { url: string; region: string; close(): Promise<void> };
}

interface ScheduledTarget {
  rule: string;
  target: string;
  workflow: string;
  stateMachineArn: string;
  input: string;
  schedule: Schedule;
  next: Date | undefined;
}

export async function up(options: UpOptions): Promise<UpResult> {
  const began = performance.now();
  const clock = new SimulatedClock().install(options.start);
  const metrics = captureMetrics();
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    // Wait states (grace periods) move the simulated clock on, at once.
    sim = await startSimulator({
      port: options.port ?? 0,
      executor: runnerExecutor({ root: options.root, skipWaits: true, clock }),
      ...(options.stateFile ? { stateFile: options.stateFile } : {}),
    });
  } catch (error) {
    // A port in use, an unreadable state file: this process gets its own clock and output back.
    metrics.stop();
    clock.uninstall();
    throw error;
  }
  const previousEndpoint = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = sim.url;
  let kept = false;
  try {
    const settings = { endpoint: sim.url, region: process.env.AWS_REGION ?? 'us-east-1' };
    const states = new SFNClient(settings);
    const eventBridge = new EventBridgeClient(settings);
    const secrets = new SecretsManagerClient(settings);
    const start = clock.now();
    options.out(`keyturn up: on the simulator at ${sim.url}, clock at ${iso(start)} UTC`);
    if (options.demo) {
      for (const scenario of scenarios) await scenario.seed(sim.url);
      await fetch(`${sim.url}/_sim/slack`, { method: 'DELETE' });
      options.out(`  seeded the demo account (${scenarios.length} scenarios: src/local/demo/)`);
    }
    const config = typeof options.config === 'function' ? await options.config(sim.url) : options.config;
    const deployed = await deploy(options.root, config, states, eventBridge);
    options.out(`  deployed ${deployed.machines} state machines and ${deployed.rules} schedules (stage ${config.stage})`);

    const scheduled = await readSchedules(eventBridge, config.stage, start);
    const end = new Date(start.getTime() + options.days * DAY_MS);
    const executions: ExecutionLine[] = [];
    let lastAt = start;
    for (;;) {
      const due = scheduled.filter((s) => s.next && s.next <= end).sort((a, b) => a.next!.getTime() - b.next!.getTime() || a.rule.localeCompare(b.rule))[0];
      if (!due) break;
      // A firing that fell due while an earlier run waited out its grace period starts now, late:
      // executions run one at a time here.
      const at = new Date(Math.max(due.next!.getTime(), clock.now().getTime()));
      if (options.speed) await new Promise((resolve) => setTimeout(resolve, (at.getTime() - lastAt.getTime()) / options.speed!));
      lastAt = at;
      clock.set(at);
      options.progress?.(`  simulated ${iso(at)} UTC: day ${Math.min(options.days, Math.max(1, Math.ceil((at.getTime() - start.getTime()) / DAY_MS)))} of ${options.days}`);
      await options.beforeFiring?.({ at, target: due.target, workflow: due.workflow, simUrl: sim.url });
      const line = await fire(states, due, at);
      executions.push(line);
      options.afterExecution?.(line);
      options.out(`  ${line.at}  ${line.target.padEnd(28)} ${line.workflow.padEnd(28)} ${line.status.padEnd(9)} ${line.summary}`);
      due.next = due.schedule.next(clock.now());
    }
    clock.set(end);

    const statuses = await targetStatuses(config.targets, { states, secrets, stage: config.stage, now: clock.now() });
    const slack = slackSummary(((await (await fetch(`${sim.url}/_sim/slack`)).json()) as { messages: SlackMessage[] }).messages);
    const result: UpResult = { executions, statuses, slack, metrics: metrics.summary(), simulatedDays: options.days, wallMs: performance.now() - began };
    if (options.keep) {
      result.serving = { url: sim.url, region: settings.region, close: stop };
      kept = true;
    }
    return result;
  } finally {
    metrics.stop();
    if (!kept) await stop();
  }

  async function stop(): Promise<void> {
    if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previousEndpoint;
    await sim.close();
    clock.uninstall();
  }
}

/** The state machines and the schedules the deploy would create, created through the simulator's APIs. */
async function deploy(root: string, config: KeyturnConfig, states: SFNClient, eventBridge: EventBridgeClient): Promise<{ machines: number; rules: number }> {
  const machines: DeployedMachine[] = listWorkflows(root).map((workflow) => ({ workflow, key: workflow, name: stateMachineName(workflow, config.stage) }));
  const arns = new Map<string, string>();
  for (const machine of machines) {
    const definition = readFileSync(join(root, 'state-machines', `${machine.workflow}.asl.json`), 'utf8');
    const roleArn = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${machine.name}-role`;
    const { stateMachineArn } = await states.send(new CreateStateMachineCommand({ name: machine.name!, definition, roleArn }));
    arns.set(stateMachineLogicalId(machine), stateMachineArn!);
  }
  let rules = 0;
  for (const resource of Object.values(deployResources(config, machines).Resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const p = resource.Properties as { Name: string; Description: string; ScheduleExpression: string; State: 'ENABLED' | 'DISABLED'; Targets: { Id: string; Arn: { Ref: string }; Input: string }[] };
    await eventBridge.send(new PutRuleCommand({ Name: p.Name, Description: p.Description, ScheduleExpression: p.ScheduleExpression, State: p.State }));
    const targets = p.Targets.map((t) => ({ Id: t.Id, Arn: arns.get(t.Arn.Ref)!, RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/keyturn-schedules-${config.stage}`, Input: t.Input }));
    await eventBridge.send(new PutTargetsCommand({ Rule: p.Name, Targets: targets }));
    rules += 1;
  }
  return { machines: machines.length, rules };
}

/** keyturn's rules of this stage and their targets, read back from the simulator as EventBridge holds them. */
async function readSchedules(eventBridge: EventBridgeClient, stage: string, createdAt: Date): Promise<ScheduledTarget[]> {
  const out: ScheduledTarget[] = [];
  let nextToken: string | undefined;
  do {
    const page = await eventBridge.send(new ListRulesCommand({ NamePrefix: 'keyturn-', NextToken: nextToken }));
    for (const rule of page.Rules ?? []) {
      if (!rule.Name?.endsWith(`-${stage}`) || rule.State !== 'ENABLED' || !rule.ScheduleExpression) continue;
      const described = await eventBridge.send(new DescribeRuleCommand({ Name: rule.Name }));
      const schedule = scheduleOf(described.ScheduleExpression!, createdAt);
      for (const target of (await eventBridge.send(new ListTargetsByRuleCommand({ Rule: rule.Name }))).Targets ?? []) {
        const input = target.Input ?? '{}';
        const workflow = /:stateMachine:keyturn-(.+)-[^-]+$/.exec(target.Arn ?? '')?.[1] ?? '?';
        // The deploy names a target's rule keyturn-<target>-<stage> (src/config/deploy-resources.ts).
        const name = rule.Name.slice('keyturn-'.length, -(stage.length + 1));
        out.push({ rule: rule.Name, target: name, workflow, stateMachineArn: target.Arn!, input, schedule, next: schedule.next(createdAt) });
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return out;
}

/** Starts the target's state machine as EventBridge does (its input, no name), and waits for the run to end. */
async function fire(states: SFNClient, due: ScheduledTarget, at: Date): Promise<ExecutionLine> {
  const { executionArn } = await states.send(new StartExecutionCommand({ stateMachineArn: due.stateMachineArn, input: due.input }));
  let execution: DescribeExecutionCommandOutput;
  for (;;) {
    execution = await states.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const output = execution.output ? (JSON.parse(execution.output) as Record<string, unknown>) : undefined;
  return { at: iso(at), target: due.target, workflow: due.workflow, status: execution.status ?? '?', summary: execution.status === 'SUCCEEDED' ? summarize(output) : `${execution.error ?? 'failed'}` };
}

/** What a run changed, in a few words. */
function summarize(output: Record<string, unknown> | undefined): string {
  if (!output) return '';
  if (output.rotated === true) {
    const made = ['newPublicKeyId', 'newAccessKeyId', 'newClientCertificateId'].map((k) => output[k]).find((v) => typeof v === 'string');
    return `rotated${made ? `: new ${String(made)}` : ''}`;
  }
  if (output.rotated === false) return `not due: ${String(output.reason ?? '')}`;
  if (Array.isArray(output.certificates)) {
    const severities = (output.certificates as { severity?: string }[]).map((c) => c.severity ?? 'ok');
    const counts = ['expired', 'critical', 'warning', 'notice'].map((s) => [s, severities.filter((x) => x === s).length] as const).filter(([, n]) => n > 0);
    return `checked ${severities.length} certificates: ${counts.map(([s, n]) => `${n} ${s}`).join(', ') || 'none within a threshold'}`;
  }
  return JSON.stringify(output).slice(0, 80);
}

/** What Slack got, by kind. */
function slackSummary(messages: SlackMessage[]): UpResult['slack'] {
  const byKind: Record<string, number> = {};
  for (const message of messages) {
    const text = String((message.body as { text?: unknown } | null)?.text ?? '');
    const kind = /: rotated /.test(text)
      ? 'rotation done'
      : /failed|could not/.test(text)
        ? 'failure'
        : /^IAM server certificates/.test(text)
          ? 'expiry digest'
          : /approval needed/.test(text)
            ? 'approval request'
            : 'other';
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  return { total: messages.length, byKind };
}

const iso = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
