/**
 * keyturn's deployed state machines: `keyturn-<workflow>-<stage>`, as serverless/<workflow>.yml
 * names them, found by name (keyturn status, keyturn run, and the Slack endpoint's commands).
 */
import { randomBytes } from 'node:crypto';
import { ListStateMachinesCommand, type SFNClient } from '@aws-sdk/client-sfn';

export type StatesClient = Pick<SFNClient, 'send'>;

export function stateMachineName(workflow: string, stage: string): string {
  return `keyturn-${workflow}-${stage}`;
}

/** All state machines by name (every page). */
export async function stateMachinesByName(client: StatesClient): Promise<Map<string, string>> {
  const byName = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListStateMachinesCommand({ nextToken }));
    for (const m of page.stateMachines ?? []) if (m.name && m.stateMachineArn) byName.set(m.name, m.stateMachineArn);
    nextToken = page.nextToken;
  } while (nextToken);
  return byName;
}


/** `<target or workflow>-<UTC time>-<random>`: sortable, unique, at most 80 characters. */
export function executionName(label: string, now: Date): string {
  const time = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const suffix = `-${time}-${randomBytes(3).toString('hex')}`;
  return `${label.slice(0, 80 - suffix.length)}${suffix}`;
}

