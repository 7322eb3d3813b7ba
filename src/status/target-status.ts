/**
 * Every target's status: its last rotation (when its credential's AWSCURRENT version was created),
 * the credential's age, when it is next due (last rotation + maxKeyAgeDays) and the result of its
 * last execution on the deployed state machine. `keyturn status` prints it; the Slack endpoint's
 * `/keyturn status` posts it.
 */
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { ListSecretVersionIdsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isDeepStrictEqual } from 'node:util';
import type { Target } from '../config/config-schema';
import { stateMachineName, stateMachinesByName, type StatesClient } from './state-machines';

/** What status needs of a target. */
export type StatusTarget = Pick<Target, 'name' | 'workflow' | 'input' | 'schedule' | 'enabled'>;

const DAY_MS = 86_400_000;
/** The rotation workflows' default when a target's input does not set maxKeyAgeDays. */
const DEFAULT_MAX_KEY_AGE_DAYS = 90;
/** Executions examined per state machine to find a target's last one. */
const RECENT_EXECUTIONS = 50;

export interface TargetStatus {
  target: string;
  workflow: string;
  schedule: string;
  lastRotation?: string;
  credentialAgeDays?: number;
  nextDue?: string;
  lastExecution?: { name: string; status: string; startDate: string };
  problem?: string;
}

export interface StatusDeps {
  states: StatesClient;
  secrets: Pick<SecretsManagerClient, 'send'>;
  stage: string;
  /** The time ages are computed at; a function is asked after the first call (the service's clock: serviceNow). */
  now: Date | (() => Date);
  /** Executions examined per state machine to find a target's last one (default 50; Slack, which must answer within 3 seconds, looks at fewer). */
  recentExecutions?: number;
}

export async function targetStatuses(targets: readonly StatusTarget[], deps: StatusDeps): Promise<TargetStatus[]> {
  const machines = await stateMachinesByName(deps.states);
  const now = typeof deps.now === 'function' ? deps.now() : deps.now;
  // Each target's reads are independent: they go out together.
  return Promise.all(
    targets.map(async (target) => {
      const row: TargetStatus = { target: target.name, workflow: target.workflow, schedule: !target.enabled ? 'disabled' : (target.schedule ?? 'manual') };
      const secretId = target.input.secretId;
      if (typeof secretId === 'string') Object.assign(row, await rotationAge({ ...deps, now }, secretId, maxKeyAgeDays(target)));
      const arn = machines.get(stateMachineName(target.workflow, deps.stage));
      if (!arn) row.problem = `not deployed (${stateMachineName(target.workflow, deps.stage)})`;
      else {
        const last = await lastExecution(deps.states, arn, target, deps.recentExecutions ?? RECENT_EXECUTIONS);
        if (last) row.lastExecution = last;
      }
      return row;
    }),
  );
}

function maxKeyAgeDays(target: StatusTarget): number {
  const value = target.input.maxKeyAgeDays;
  return typeof value === 'number' ? value : DEFAULT_MAX_KEY_AGE_DAYS;
}

/** The AWSCURRENT version's creation is the last rotation (the rotation protocol promotes a new version). */
async function rotationAge(deps: Pick<StatusDeps, 'secrets'> & { now: Date }, secretId: string, maxAgeDays: number): Promise<Partial<TargetStatus>> {
  try {
    const versions = await deps.secrets.send(new ListSecretVersionIdsCommand({ SecretId: secretId }));
    const current = versions.Versions?.find((v) => v.VersionStages?.includes('AWSCURRENT'));
    if (!current?.CreatedDate) return {};
    const created = new Date(current.CreatedDate);
    return {
      lastRotation: created.toISOString(),
      credentialAgeDays: Math.floor((deps.now.getTime() - created.getTime()) / DAY_MS),
      nextDue: new Date(created.getTime() + maxAgeDays * DAY_MS).toISOString(),
    };
  } catch (error) {
    // Not rotated yet (no secret) is a status, not a failure of the command.
    if ((error as Error).name === 'ResourceNotFoundException') return {};
    throw error;
  }
}

/** The newest execution started for this target: named after it (keyturn run --target) or with its input (its schedule). */
async function lastExecution(client: StatesClient, stateMachineArn: string, target: StatusTarget, recent: number): Promise<TargetStatus['lastExecution']> {
  const page = await client.send(new ListExecutionsCommand({ stateMachineArn, maxResults: recent }));
  for (const e of page.executions ?? []) {
    let matches = e.name?.startsWith(`${target.name}-`) ?? false;
    if (!matches) {
      const described = await client.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
      matches = described.input !== undefined && isDeepStrictEqual(JSON.parse(described.input), target.input);
    }
    if (matches) return { name: e.name ?? '?', status: e.status ?? '?', startDate: new Date(e.startDate ?? 0).toISOString() };
  }
  return undefined;
}

/** The status as `keyturn status` prints it: a header and one aligned row per target. */
export function statusTable(rows: readonly TargetStatus[]): string[] {
  const table = [
    ['TARGET', 'WORKFLOW', 'SCHEDULE', 'LAST ROTATION', 'AGE', 'NEXT DUE', 'LAST EXECUTION'],
    ...rows.map((r) => [
      r.target,
      r.workflow,
      r.schedule,
      r.lastRotation?.slice(0, 16).replace('T', ' ') ?? '-',
      r.credentialAgeDays === undefined ? '-' : `${r.credentialAgeDays}d`,
      r.nextDue?.slice(0, 10) ?? '-',
      r.lastExecution ? `${r.lastExecution.status} ${r.lastExecution.startDate.slice(0, 16).replace('T', ' ')}` : (r.problem ?? 'never run'),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

/**
 * The service's time, as the SDK learned it from the responses' Date header (it corrects its
 * signing clock by the same offset when they differ by five minutes or more): on AWS, this
 * machine's time; against keyturn up's simulated clock, the simulated time.
 */
export function serviceNow(client: { config: { systemClockOffset?: number } }): Date {
  const offset = client.config.systemClockOffset ?? 0;
  // Within the SDK's own five minutes the offset is the Date header's rounding, not a clock apart.
  return new Date(Date.now() + (Math.abs(offset) >= SKEW_MS ? offset : 0));
}

/** The SDK corrects its clock when the service's differs by five minutes or more. */
const SKEW_MS = 300_000;
