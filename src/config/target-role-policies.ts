/**
 * The one grant acting in another account needs: `sts:AssumeRole` on exactly the roles the config
 * names (a target's `roleArn`, and check-iam-cert-expiry's `accounts[].roleArn`), for exactly the
 * functions of that target's workflow that call the target's own service. Generated at package
 * time from keyturn.config.yml (serverless/schedules.cjs), one IAM policy per such function,
 * attached to its role; nothing when no target names a role.
 *
 * What a function may do in the target account is the target role's own policy (README "Deploy":
 * the role to create there), not this one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KeyturnConfig } from './config-schema';
import { normalizedName } from './deploy-resources';

/** The client factories (src/aws/clients.ts) that act in a target's account: the targets' own services. */
const TARGET_CLIENT_FACTORIES = /\b(cloudFrontClient|iamClient|apiGatewayClient|lightsailClient)\b/;

/** Function keys of `workflow` (serverless/<workflow>.yml) whose handler names a target service's client. */
export function functionsActingInTargets(root: string, workflow: string): string[] {
  const fragment = parse(readFileSync(join(root, 'serverless', `${workflow}.yml`), 'utf8')) as { functions?: Record<string, { handler: string }> };
  return Object.entries(fragment.functions ?? {})
    .filter(([, fn]) => TARGET_CLIENT_FACTORIES.test(readFileSync(join(root, `${fn.handler.replace(/\.[^./]+$/, '')}.ts`), 'utf8')))
    .map(([key]) => key)
    .sort();
}

/**
 * check-iam-cert-expiry's `accounts` are checked by the Map's function alone; a target's own
 * account by every other function of its workflow that acts in targets.
 */
const ACCOUNTS_LIST_FUNCTION = 'expiryCheckAccountCertificates';

/** Per function key, the role ARNs it may assume, in config order, without repeats. */
function targetRolesByFunction(config: Pick<KeyturnConfig, 'targets'>, root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const acting = new Map<string, string[]>();
  const grant = (fn: string, roleArn: unknown) => {
    if (typeof roleArn !== 'string') return;
    const roles = out.get(fn) ?? [];
    if (!roles.includes(roleArn)) roles.push(roleArn);
    out.set(fn, roles);
  };
  for (const target of config.targets) {
    const functions = acting.get(target.workflow) ?? functionsActingInTargets(root, target.workflow);
    acting.set(target.workflow, functions);
    for (const fn of functions.filter((f) => f !== ACCOUNTS_LIST_FUNCTION)) grant(fn, target.account?.roleArn);
    const accounts = Array.isArray(target.input.accounts) ? (target.input.accounts as Array<{ roleArn?: unknown }>) : [];
    if (functions.includes(ACCOUNTS_LIST_FUNCTION)) for (const a of accounts) grant(ACCOUNTS_LIST_FUNCTION, a.roleArn);
  }
  return out;
}

/** The policies, one per function that may assume a role, as CloudFormation resources keyed by logical id. */
export function targetRolePolicies(config: Pick<KeyturnConfig, 'targets'>, root: string): Record<string, { Type: string; Properties: Record<string, unknown> }> {
  const out: Record<string, { Type: string; Properties: Record<string, unknown> }> = {};
  for (const [fn, roleArns] of targetRolesByFunction(config, root)) {
    out[`${normalizedName(fn)}TargetRolesPolicy`] = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: `keyturn-${fn}-target-roles`,
        // serverless-iam-roles-per-function names each function's role <Function>IamRoleLambdaExecution.
        Roles: [{ Ref: `${normalizedName(fn)}IamRoleLambdaExecution` }],
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArns }] },
      },
    };
  }
  return out;
}
