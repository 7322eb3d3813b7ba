/**
 * `/keyturn` from Slack: `status` (every target: last rotation, age, next due, last execution),
 * `plan <target>` (a dry run: what a rotation would do) and `rotate <target>` (after a dry run: a
 * target that is due rotates at once; one that is not is offered "Rotate anyway", which forces
 * it). The answer is the command's HTTP response, within Slack's 3 seconds: a dry run gets
 * PLAN_WAIT_MS to finish, and one that takes longer is said to, with its execution, and starts
 * nothing. The targets are the deployed config's (KEYTURN_SLACK_TARGETS); each command is
 * authorised as a click is (src/interactivity/access.ts). Runs started here are named after their
 * target, so `keyturn status` finds them, and carry `requestedBy`: their starter may not approve them.
 */
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, StartExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { Blocks, Elements, Md, Message } from 'slack-block-builder';
import type { SlackTarget } from '../config/slack-endpoint-environment';
import type { Log } from '../logger';
import { executionConsoleLink } from '../notify/console-links';
import { slackEscape as esc } from '../notify/slack-text';
import type { SecretsClient } from '../secrets/credential-store';
import { describePlan } from '../status/plan-summary';
import { executionName, stateMachineName, stateMachinesByName, type StatesClient } from '../status/state-machines';
import { targetStatuses } from '../status/target-status';
import { decideAccess, type SlackAccess, type SlackAction } from './access';
import { ROTATE_ANYWAY_ACTION_ID } from './actions';

/** How long a dry run may take before the command answers without its plan (Slack waits 3 seconds). */
export const PLAN_WAIT_MS = 2_000;
/** Executions read per state machine for `status` (each may cost a DescribeExecution). */
const STATUS_RECENT_EXECUTIONS = 10;

export interface CommandDeps {
  states: StatesClient;
  secrets: SecretsClient;
  access: SlackAccess;
  targets: readonly SlackTarget[];
  stage: string;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  log: Log;
}

/** What the command's HTTP response carries: an ephemeral message, or one for the channel. */
export interface CommandReply {
  response_type: 'ephemeral' | 'in_channel';
  text: string;
  blocks?: unknown[];
}

const USAGE = 'Usage: `/keyturn status`, `/keyturn plan <target>`, `/keyturn rotate <target>`';

export async function handleSlashCommand(deps: CommandDeps, fields: Record<string, string>): Promise<CommandReply> {
  const userId = fields.user_id ?? '';
  const channelId = fields.channel_id;
  const [verb = '', name, ...extra] = (fields.text ?? '').trim().split(/\s+/).filter(Boolean);
  const say = (text: string): CommandReply => ({ response_type: 'ephemeral', text });
  if (verb === 'help' || verb === '') return say(USAGE);
  if (!['status', 'plan', 'rotate'].includes(verb) || extra.length || (verb === 'status') !== (name === undefined)) return say(`keyturn does not know \`${esc(fields.text ?? '')}\`. ${USAGE}`);
  const action = verb as SlackAction;

  const decision = decideAccess(deps.access, { action, target: name ?? '', userId, ...(channelId ? { channelId } : {}) });
  deps.log.info('slack command', { action, target: name, userId, channelId, allowed: decision.allowed, rule: decision.rule });
  if (!decision.allowed) return say(`You are not allowed to ${action}${name ? ` ${esc(name)}` : ''} from Slack (${esc(decision.rule)}): nothing was done.`);
  if (action === 'status') return statusReply(deps);

  const target = deps.targets.find((t) => t.name === name);
  if (!target) return say(`keyturn has no target ${esc(name!)} (known: ${deps.targets.map((t) => esc(t.name)).join(', ') || 'none'}): nothing was done.`);
  if (action === 'rotate' && !isRotation(target)) return say(`${esc(target.name)} is not a rotation (${esc(target.workflow)}): use \`/keyturn plan ${esc(target.name)}\`, or keyturn run.`);
  const machines = await stateMachinesByName(deps.states);
  const stateMachineArn = machines.get(stateMachineName(target.workflow, deps.stage));
  if (!stateMachineArn) return say(`${esc(target.workflow)} is not deployed in stage ${esc(deps.stage)}: nothing was done.`);

  const plan = await dryRun(deps, target, stateMachineArn);
  const planLine = plan.execution.status === 'SUCCEEDED' ? describePlan(JSON.parse(plan.execution.output ?? 'null')) : undefined;
  const planLink = executionConsoleLink(plan.executionArn, plan.name);
  if (plan.execution.status === 'RUNNING') {
    return say(`The dry run of ${esc(target.name)} takes longer than Slack waits (execution ${planLink}): nothing was started. Look at it, then try again.`);
  }
  if (plan.execution.status !== 'SUCCEEDED') return say(`The dry run of ${esc(target.name)} failed (${esc(plan.execution.error ?? plan.execution.status ?? 'FAILED')}, execution ${planLink}): nothing was started.`);
  if (action === 'plan') return say(`Plan for ${esc(target.name)} (${esc(target.workflow)}): ${esc(planLine!)}. Execution ${planLink}; nothing was changed.`);

  const output = JSON.parse(plan.execution.output ?? 'null') as { wouldRotate?: unknown; reason?: unknown } | null;
  if (output?.wouldRotate === false) {
    const text = `${esc(target.name)} is not due: ${esc(String(output.reason ?? 'no reason given'))}. Nothing was started.`;
    const message = Message()
      .text(text)
      .blocks(
        Blocks.Section({ text }),
        Blocks.Actions().elements(
          Elements.Button({ text: 'Rotate anyway', actionId: ROTATE_ANYWAY_ACTION_ID, value: JSON.stringify({ target: target.name, planExecutionName: plan.name }) }).danger(),
        ),
      )
      .buildToObject() as { blocks?: unknown[] };
    return { response_type: 'ephemeral', text, blocks: message.blocks ?? [] };
  }
  const started = await startRun(deps, target, stateMachineArn, { userId, name: executionName(target.name, deps.now()) });
  return { response_type: 'in_channel', text: startedLine(target, started, userId) };
}

/** The rotations (rotate-<what>) take force, requestedBy and approvals; the other workflows take none of them. */
const isRotation = (target: SlackTarget) => target.workflow.startsWith('rotate-');

/** "Rotate anyway": the forced run, named after the dry run that found the target not due, so a double click starts one. */
export async function rotateAnyway(deps: CommandDeps, request: { target: string; planExecutionName: string; userId: string }): Promise<{ text: string }> {
  const target = deps.targets.find((t) => t.name === request.target);
  if (!target || !isRotation(target)) return { text: `keyturn has no rotation target ${esc(request.target)} any more: nothing was done.` };
  const stateMachineArn = (await stateMachinesByName(deps.states)).get(stateMachineName(target.workflow, deps.stage));
  if (!stateMachineArn) return { text: `${esc(target.workflow)} is not deployed in stage ${esc(deps.stage)}: nothing was done.` };
  const started = await startRun(deps, target, stateMachineArn, { userId: request.userId, name: `${request.planExecutionName}-go`, force: true });
  return { text: startedLine(target, started, request.userId) };
}

/**
 * "Import renewed" on the expiry digest: starts the import target that renews the certificate,
 * once a day however often it is pressed (the execution is named after the target and the day).
 */
export async function importRenewed(deps: CommandDeps, request: { target: string; name: string; userId: string }): Promise<{ text: string }> {
  const target = deps.targets.find((t) => t.name === request.target);
  if (!target || target.workflow !== 'import-iam-server-cert' || target.input.renews !== request.name) {
    return { text: `keyturn has no import target ${esc(request.target)} renewing ${esc(request.name)} any more: nothing was done.` };
  }
  const stateMachineArn = (await stateMachinesByName(deps.states)).get(stateMachineName(target.workflow, deps.stage));
  if (!stateMachineArn) return { text: `${esc(target.workflow)} is not deployed in stage ${esc(deps.stage)}: nothing was done.` };
  const day = deps.now().toISOString().slice(0, 10).replace(/-/g, '');
  const started = await startRun(deps, target, stateMachineArn, { userId: request.userId, name: `${target.name}-import-${day}` });
  return { text: startedLine(target, started, request.userId).replace(/was already started from this message/, 'was already imported from Slack today') };
}

type Started = { kind: 'started' | 'already'; executionArn: string; name: string; status?: string };

function startedLine(target: SlackTarget, started: Started, userId: string): string {
  const link = executionConsoleLink(started.executionArn, started.name);
  return started.kind === 'started'
    ? `<@${esc(userId)}> started ${esc(target.workflow)} for ${esc(target.name)}: execution ${link}`
    : `${esc(target.name)} was already started from this message: execution ${link} is ${esc(started.status ?? 'RUNNING')}`;
}

async function startRun(deps: CommandDeps, target: SlackTarget, stateMachineArn: string, run: { userId: string; name: string; force?: boolean }): Promise<Started> {
  // Only the rotations take force and requestedBy (their inputs refuse unknown fields, as the others' do).
  const input = { ...target.input, ...(run.force ? { force: true } : {}), ...(isRotation(target) ? { requestedBy: run.userId } : {}) };
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${run.name}`;
  // StartExecution is idempotent for a running execution of the same name and input: ask first, so a second click is told.
  const existing = await describeIfExists(deps.states, executionArn);
  if (existing) return { kind: 'already', executionArn, name: run.name, status: existing.status ?? 'UNKNOWN' };
  try {
    const started = await deps.states.send(new StartExecutionCommand({ stateMachineArn, name: run.name, input: JSON.stringify(input) }));
    deps.log.info('run started from slack', { target: target.name, executionArn: started.executionArn, force: run.force === true });
    return { kind: 'started', executionArn: started.executionArn!, name: run.name };
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    const raced = await deps.states.send(new DescribeExecutionCommand({ executionArn }));
    return { kind: 'already', executionArn, name: run.name, status: raced.status ?? 'UNKNOWN' };
  }
}

async function describeIfExists(states: StatesClient, executionArn: string): Promise<DescribeExecutionCommandOutput | undefined> {
  try {
    return await states.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return undefined;
    throw error;
  }
}

/** Starts the target's dry run and waits up to PLAN_WAIT_MS for it. */
async function dryRun(deps: CommandDeps, target: SlackTarget, stateMachineArn: string): Promise<{ name: string; executionArn: string; execution: DescribeExecutionCommandOutput }> {
  const name = executionName(`${target.name.slice(0, 40)}-plan`, deps.now());
  const input = { ...target.input, dryRun: true };
  const { executionArn } = await deps.states.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  const deadline = Date.now() + PLAN_WAIT_MS;
  for (;;) {
    const execution = await deps.states.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING' || Date.now() >= deadline) return { name, executionArn: executionArn!, execution };
    await deps.sleep(100);
  }
}

async function statusReply(deps: CommandDeps): Promise<CommandReply> {
  const rows = await targetStatuses(deps.targets, { states: deps.states, secrets: deps.secrets, stage: deps.stage, now: deps.now(), recentExecutions: STATUS_RECENT_EXECUTIONS });
  const lines = rows.map((r) =>
    [
      Md.bold(esc(r.target)),
      esc(r.workflow),
      esc(r.schedule),
      r.credentialAgeDays === undefined ? '' : `age ${r.credentialAgeDays}d`,
      r.nextDue ? `next due ${r.nextDue.slice(0, 10)}` : '',
      r.lastExecution ? `last run ${esc(r.lastExecution.status)} ${r.lastExecution.startDate.slice(0, 16).replace('T', ' ')} UTC` : esc(r.problem ?? 'never run'),
    ]
      .filter(Boolean)
      .join(' · '),
  );
  const text = rows.length ? lines.join('\n') : 'keyturn has no targets.';
  return { response_type: 'ephemeral', text: `keyturn status (stage ${esc(deps.stage)}):\n${text}`.slice(0, 3000) };
}
