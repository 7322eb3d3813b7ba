/**
 * The KMS grants a customer managed key needs (keyturn.config.yml `kmsKeyArn`, global or per
 * target): on exactly the configured keys, for exactly the functions of the workflow that read or
 * write its targets' secrets. CreateSecret's documentation: "To encrypt the secret with a KMS key
 * other than aws/secretsmanager, you need kms:GenerateDataKey and kms:Decrypt permission to the
 * key"; reading a value needs kms:Decrypt. Generated at package time (serverless/schedules.cjs),
 * one IAM policy per such function attached to its role; nothing when no target names a key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KeyturnConfig } from './config-schema';
import { normalizedName } from './deploy-resources';

interface Statement {
  Action?: string | string[];
  Resource?: unknown;
}

const READS = ['secretsmanager:GetSecretValue'];
const WRITES = ['secretsmanager:PutSecretValue', 'secretsmanager:CreateSecret'];

/** Per function key of `workflow`, what it does with its targets' secrets (the statements on custom.keyturn.credentialSecrets). */
export function credentialSecretUse(root: string, workflow: string): Map<string, { reads: boolean; writes: boolean }> {
  const fragment = parse(readFileSync(join(root, 'serverless', `${workflow}.yml`), 'utf8')) as { functions?: Record<string, { iamRoleStatements?: Statement[] }> };
  const out = new Map<string, { reads: boolean; writes: boolean }>();
  for (const [key, fn] of Object.entries(fragment.functions ?? {})) {
    const actions = (fn.iamRoleStatements ?? [])
      .filter((s) => JSON.stringify(s.Resource ?? '').includes('custom.keyturn.credentialSecrets'))
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action ?? '']));
    const use = { reads: actions.some((a) => READS.includes(a)), writes: actions.some((a) => WRITES.includes(a)) };
    if (use.reads || use.writes) out.set(key, use);
  }
  return out;
}

export function kmsKeyPolicies(config: Pick<KeyturnConfig, 'targets'>, root: string): Record<string, { Type: string; Properties: Record<string, unknown> }> {
  const keysByWorkflow = new Map<string, string[]>();
  for (const target of config.targets) {
    const key = target.input.kmsKeyArn;
    if (typeof key !== 'string') continue;
    const keys = keysByWorkflow.get(target.workflow) ?? [];
    if (!keys.includes(key)) keys.push(key);
    keysByWorkflow.set(target.workflow, keys);
  }
  const out: Record<string, { Type: string; Properties: Record<string, unknown> }> = {};
  for (const [workflow, keys] of keysByWorkflow) {
    for (const [fn, use] of credentialSecretUse(root, workflow)) {
      const actions = use.writes ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'];
      out[`${normalizedName(fn)}KmsKeysPolicy`] = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: `keyturn-${fn}-kms-keys`,
          // serverless-iam-roles-per-function names each function's role <Function>IamRoleLambdaExecution.
          Roles: [{ Ref: `${normalizedName(fn)}IamRoleLambdaExecution` }],
          PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: [...keys].sort() }] },
        },
      };
    }
  }
  return out;
}
