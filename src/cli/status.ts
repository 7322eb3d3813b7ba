/**
 * `keyturn status`: every configured target with its last rotation (when its credential's
 * AWSCURRENT version was created), the credential's age, when it is next due (last rotation +
 * maxKeyAgeDays) and the result of its last execution on the deployed state machine.
 */
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { ListSecretVersionIdsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isDeepStrictEqual } from 'node:util';
import { resolve } from 'node:path';
import type { Target } from '../config/config-schema';
import { parseFlags } from './args';
import { readConfig } from './config';
import { stateMachineName, stateMachinesByName, type StatesClient } from './deployed-executions';
import type { Command } from './main';
import { requireCredentials } from './credentials';

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

export const statusCommand: Command = {
  summary: 'show every configured target: last rotation, credential age, next due, last execution',
  usage: 'keyturn status [--config FILE] [--stage STAGE] [--json] [--root DIR]',
  async run(args) {
    const { values } = parseFlags(args, { config: { type: 'string' }, stage: { type: 'string' }, json: { type: 'boolean', default: false }, root: { type: 'string' } });
    const config = readConfig(values.config, resolve(values.root ?? process.cwd()));
    if (!config) return 1;
    await requireCredentials();
    const { sfnClient, secretsManagerClient } = await import('../aws/clients');
    const rows = await targetStatuses(config.targets, { states: sfnClient(), secrets: secretsManagerClient(), stage: values.stage ?? config.stage, now: new Date() });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
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
      for (const row of table) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
    }
    return 0;
  },
};

export interface StatusDeps {
  states: StatesClient;
  secrets: Pick<SecretsManagerClient, 'send'>;
  stage: string;
  now: Date;
}

export async function targetStatuses(targets: Target[], deps: StatusDeps): Promise<TargetStatus[]> {
  const machines = await stateMachinesByName(deps.states);
  const rows: TargetStatus[] = [];
  for (const target of targets) {
    const row: TargetStatus = { target: target.name, workflow: target.workflow, schedule: !target.enabled ? 'disabled' : (target.schedule ?? 'manual') };
    const secretId = target.input.secretId;
    if (typeof secretId === 'string') Object.assign(row, await rotationAge(deps, secretId, maxKeyAgeDays(target)));
    const arn = machines.get(stateMachineName(target.workflow, deps.stage));
    if (!arn) row.problem = `not deployed (${stateMachineName(target.workflow, deps.stage)})`;
    else {
      const last = await lastExecution(deps.states, arn, target);
      if (last) row.lastExecution = last;
    }
    rows.push(row);
  }
  return rows;
}

function maxKeyAgeDays(target: Target): number {
  const value = target.input.maxKeyAgeDays;
  return typeof value === 'number' ? value : DEFAULT_MAX_KEY_AGE_DAYS;
}

/** The AWSCURRENT version's creation is the last rotation (the rotation protocol promotes a new version). */
async function rotationAge(deps: StatusDeps, secretId: string, maxAgeDays: number): Promise<Partial<TargetStatus>> {
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
async function lastExecution(client: StatesClient, stateMachineArn: string, target: Target): Promise<TargetStatus['lastExecution']> {
  const page = await client.send(new ListExecutionsCommand({ stateMachineArn, maxResults: RECENT_EXECUTIONS }));
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
