/**
 * Reads and validates keyturn.config.yml once, at the edge. Every problem is
 * collected, not only the first, so `keyturn config check` and `npm run package` list them all.
 */
import { LAMBDA_ENVIRONMENT_BYTES, slackEndpointVariables } from './slack-endpoint-environment';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import * as z from '../zod';
import { targetAccountSchema, type TargetAccount } from '../aws/target-account';
import { configFileSchema, targetSchema, TARGET_NAME, type KeyturnConfig, type Target } from './config-schema';
import { ConfigError, ConfigFileError, type ConfigIssue } from './errors';
import { inputDeclares, inputShape, workflowInputSchemas } from './workflow-inputs';

export const DEFAULT_CONFIG_FILE = 'keyturn.config.yml';

export interface LoadOptions {
  /** The project root holding serverless/<workflow>.yml, used to check that each workflow exists. */
  root: string;
}

export function loadConfig(file: string, options: LoadOptions): KeyturnConfig {
  if (!existsSync(file)) throw new ConfigFileError(`${file}: no such file`);
  const doc = parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: true });
  if (doc.errors.length) throw new ConfigFileError(`${file}: not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  let raw: unknown;
  try {
    // maxAliasCount: yaml's guard against an alias bomb (a few lines that expand to millions of nodes).
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigFileError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  return validateConfig(raw, { ...options, file });
}

export function validateConfig(raw: unknown, options: LoadOptions & { file: string }): KeyturnConfig {
  const issues: ConfigIssue[] = [];
  const top = configFileSchema.safeParse(raw ?? {});
  if (!top.success) {
    issues.push(...toIssues(top.error, raw, undefined, '', Object.keys(configFileSchema.shape)));
    if (!isMap(raw) || !isMap(raw.targets)) throw new ConfigError(options.file, issues);
  }
  const global = top.success ? top.data : { slackWebhookSecretId: undefined, kmsKeyArn: undefined, slack: undefined, stage: 'dev', region: 'us-east-1', slackWebhookUrlPrefixes: [] };
  const rawTargets = (top.success ? top.data.targets : (raw as { targets: Record<string, unknown> }).targets) ?? {};
  if (Object.keys(rawTargets).length === 0) issues.push({ field: 'targets', rule: 'must declare at least one target' });

  // Names a JavaScript object already has (constructor, __proto__, …) would be dropped or shadowed
  // on the way from YAML into a map: refused by name, from the file's own keys.
  const fileTargets = isMap(raw) && isMap(raw.targets) ? Object.keys(raw.targets) : [];
  for (const name of fileTargets) {
    if (RESERVED_NAMES.has(name)) issues.push({ target: name, field: '(name)', rule: 'is reserved (a JavaScript object property name): choose another target name' });
  }
  const workflows = knownWorkflows(options.root);
  const targets: Target[] = [];
  for (const [name, value] of Object.entries(rawTargets)) {
    if (RESERVED_NAMES.has(name)) continue;
    if (!TARGET_NAME.test(name)) {
      issues.push({ target: name, field: '(name)', rule: 'must be 1-40 lower-case letters, digits or hyphens, starting with a letter or digit' });
    }
    const parsed = targetSchema.safeParse(value ?? {});
    if (!parsed.success) issues.push(...toIssues(parsed.error, value, name, '', Object.keys(targetSchema.shape)));
    const workflow = isMap(value) ? value.workflow : undefined;
    if (typeof workflow === 'string' && !workflows.includes(workflow)) {
      issues.push({ target: name, field: 'workflow', rule: `unknown workflow '${workflow}' (known: ${workflows.join(', ') || 'none'})` });
    }
    // The input is checked even when another field of the target is wrong: one run lists everything.
    if (typeof workflow !== 'string' || !workflows.includes(workflow) || !isMap(value) || (value.input !== undefined && !isMap(value.input))) continue;
    const schema = workflowInputSchemas[workflow];
    const input: Record<string, unknown> = { ...((value.input as Record<string, unknown> | undefined) ?? {}) };
    // The target's name travels with its runs where the workflow takes it: Slack's buttons act on targets.
    if (input.target === undefined && schema && inputDeclares(schema, 'target')) input.target = name;
    if (global.slackWebhookSecretId !== undefined && input.slackWebhookSecretId === undefined && schema && inputDeclares(schema, 'slackWebhookSecretId')) {
      input.slackWebhookSecretId = global.slackWebhookSecretId;
    }
    const kmsKeyArn = (typeof value.kmsKeyArn === 'string' ? value.kmsKeyArn : undefined) ?? global.kmsKeyArn;
    if (kmsKeyArn !== undefined && input.kmsKeyArn === undefined && schema && inputDeclares(schema, 'kmsKeyArn')) input.kmsKeyArn = kmsKeyArn;
    if (typeof value.kmsKeyArn === 'string' && schema && !inputDeclares(schema, 'kmsKeyArn')) {
      issues.push({ target: name, field: 'kmsKeyArn', rule: `${workflow} creates no secret to encrypt` });
    }
    if (value.approval !== undefined) approvalInto(input, value.approval, { name, workflow, schema, slack: global.slack !== undefined }, issues);
    const account = targetAccountOf(value, name, issues);
    if (account) {
      if (input.account !== undefined) {
        issues.push({ target: name, field: 'input.account', rule: 'set by the target itself: use the target fields accountId, roleArn and region' });
      }
      input.account = account;
    }
    if (schema) {
      const checked = z.safeParse(schema, input);
      if (!checked.success) issues.push(...toIssues(checked.error, input, name, 'input', Object.keys(inputShape(schema))));
    }
    if (input.target !== undefined && input.target !== name) issues.push({ target: name, field: 'input.target', rule: `names target '${String(input.target)}': set by keyturn to the target's own name` });
    if (!parsed.success) continue;
    const { schedule, enabled, slack } = parsed.data;
    targets.push({
      name,
      workflow,
      input,
      ...(schedule !== undefined ? { schedule } : {}),
      enabled,
      ...(account ? { account } : {}),
      inputCheck: schema ? 'workflow' : 'generic',
      ...(slack ? { slackAllow: slack.allow } : {}),
    });
  }
  fillImports(targets);
  issues.push(...sharedSecretIssues(targets), ...inputSizeIssues(targets), ...partitionIssues(targets, global.region), ...slackEnvironmentIssues(global, targets));
  if (issues.length) throw new ConfigError(options.file, issues);
  return {
    file: options.file,
    stage: global.stage,
    region: global.region,
    ...(global.slackWebhookSecretId !== undefined ? { slackWebhookSecretId: global.slackWebhookSecretId } : {}),
    slackWebhookUrlPrefixes: global.slackWebhookUrlPrefixes,
    ...(global.kmsKeyArn !== undefined ? { kmsKeyArn: global.kmsKeyArn } : {}),
    ...(global.slack ? { slack: global.slack } : {}),
    targets,
  };
}

/**
 * A target's `approval` becomes its input's (the workflow's schema checks its fields), when the
 * workflow has an approval gate and the config has the Slack app whose buttons answer it, and the
 * target a webhook to ask in.
 */
function approvalInto(
  input: Record<string, unknown>,
  approval: unknown,
  target: { name: string; workflow: string; schema: Parameters<typeof inputDeclares>[0] | undefined; slack: boolean },
  issues: ConfigIssue[],
): void {
  const issue = (rule: string) => issues.push({ target: target.name, field: 'approval', rule });
  if (!target.schema || !inputDeclares(target.schema, 'approval')) return void issue(`${target.workflow} has no approval gate (only the rotations do)`);
  if (input.approval !== undefined) return void issue('is set twice: keep it on the target, not in its input');
  if (!target.slack) issue("needs the config's slack block: the Slack app whose Approve and Reject buttons answer it");
  if (input.slackWebhookSecretId === undefined) issue('needs slackWebhookSecretId (the config\'s or the input\'s): the approvers are asked in Slack');
  input.approval = approval;
}

/**
 * The expiry digest offers "Import renewed" on a certificate an import target `renews`: each
 * expiry target's input gets the certificate → import target map (`imports`).
 */
function fillImports(targets: Target[]): void {
  const imports = Object.fromEntries(
    targets.filter((t) => t.workflow === 'import-iam-server-cert' && typeof t.input.renews === 'string').map((t) => [t.input.renews as string, t.name]),
  );
  if (!Object.keys(imports).length) return;
  for (const target of targets) if (target.workflow === 'check-iam-cert-expiry' && target.input.imports === undefined) target.input.imports = imports;
}

/**
 * The Slack endpoint carries the access rules and the targets in its environment, which Lambda
 * caps at 4 KB with every other variable: say so at config check, not at deploy.
 */
function slackEnvironmentIssues(global: { slack?: { signingSecretId: string; allow: unknown } | undefined; slackWebhookUrlPrefixes: string[] }, targets: Target[]): ConfigIssue[] {
  if (!global.slack) return [];
  const own = slackEndpointVariables({ slack: global.slack, targets });
  // The endpoint's variables, and the ones every function gets (serverless.yml provider.environment), names included.
  const bytes = [own.access, own.targets, global.slack.signingSecretId, global.slackWebhookUrlPrefixes.join(' ')].reduce((n, v) => n + Buffer.byteLength(v), 0) + ENVIRONMENT_OVERHEAD_BYTES;
  if (bytes <= LAMBDA_ENVIRONMENT_BYTES) return [];
  return [{ field: 'slack', rule: `the Slack endpoint's environment (its access rules and the ${targets.length} targets, compressed) would be ${bytes} bytes, over Lambda's ${LAMBDA_ENVIRONMENT_BYTES}: fewer targets, or fewer per-target slack rules` }];
}

/** Every variable name, the stage, and the shared variables' values (the Powertools names, the buttons flag), generously. */
const ENVIRONMENT_OVERHEAD_BYTES = 400;

const RESERVED_NAMES = new Set(['__proto__', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

/** The input fields that name the secret a target's credential lives in (the Slack webhook is shared on purpose). */
const CREDENTIAL_SECRET_FIELDS = ['secretId', 'trustStoreSecretId'];

/**
 * Two targets rotating into one secret would take each other's lock and overwrite each other's
 * credential: a credential secret belongs to one target.
 */
function sharedSecretIssues(targets: Target[]): ConfigIssue[] {
  const owner = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  for (const target of targets) {
    for (const field of CREDENTIAL_SECRET_FIELDS) {
      const secretId = target.input[field];
      if (typeof secretId !== 'string') continue;
      const first = owner.get(secretId);
      if (first !== undefined) issues.push({ target: target.name, field: `input.${field}`, rule: `secret ${secretId} is already target '${first}'s: each credential secret belongs to one target` });
      else owner.set(secretId, target.name);
    }
  }
  return issues;
}

/** EventBridge's limit on a target's input (the schedule carries the workflow input): 8,192 bytes. */
export const MAX_SCHEDULE_INPUT_BYTES = 8192;

function inputSizeIssues(targets: Target[]): ConfigIssue[] {
  return targets.flatMap((t) => {
    const bytes = Buffer.byteLength(JSON.stringify(t.input), 'utf8');
    return bytes > MAX_SCHEDULE_INPUT_BYTES
      ? [{ target: t.name, field: 'input', rule: `is ${bytes} bytes as JSON: an EventBridge target input holds at most ${MAX_SCHEDULE_INPUT_BYTES}` }]
      : [];
  });
}

/** The partition of a region, which a target's role must be in: keyturn can assume no role across partitions. */
export function partitionOf(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/** Every role a target names (its own, and a multi-account check's), in the deploy's partition. */
function partitionIssues(targets: Target[], region: string): ConfigIssue[] {
  const partition = partitionOf(region);
  const issues: ConfigIssue[] = [];
  for (const target of targets) {
    const roles: [string, unknown][] = [['roleArn', target.account?.roleArn]];
    const accounts = target.input.accounts;
    if (Array.isArray(accounts)) accounts.forEach((a, i) => roles.push([`input.accounts.${i}.roleArn`, (a as { roleArn?: unknown })?.roleArn]));
    for (const [field, roleArn] of roles) {
      if (typeof roleArn !== 'string') continue;
      const rolePartition = roleArn.split(':')[1];
      if (rolePartition !== partition) issues.push({ target: target.name, field, rule: `must be in the partition keyturn is deployed in (${partition}, region ${region}), not ${rolePartition}` });
    }
  }
  return issues;
}

/**
 * The target's `accountId`, `roleArn` and `region` as the workflow's `account`, checked together
 * (a role in the named account; no account without a role). Each field's own format is checked by
 * the target schema; a problem here is added to `issues` under the target field's name.
 */
function targetAccountOf(value: unknown, target: string, issues: ConfigIssue[]): TargetAccount | undefined {
  if (!isMap(value)) return undefined;
  const fields = Object.fromEntries(['accountId', 'roleArn', 'region'].filter((f) => value[f] !== undefined).map((f) => [f, value[f]]));
  if (Object.keys(fields).length === 0) return undefined;
  const parsed = targetAccountSchema.safeParse(fields);
  if (parsed.success) return parsed.data;
  // Format problems are already reported by the target schema; add only the cross-field rules.
  for (const issue of parsed.error.issues) {
    if (issue.code === 'custom') issues.push({ target, field: issue.path.map(String).join('.'), rule: issue.message });
  }
  return undefined;
}

/** The workflows of this project: every serverless/<name>.yml fragment that declares a stateMachine. */
export function knownWorkflows(root: string): string[] {
  const dir = join(root, 'serverless');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .filter((f) => {
      const doc = parseDocument(readFileSync(join(dir, f), 'utf8'));
      return doc.has('stateMachine');
    })
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

function toIssues(error: z.core.$ZodError, value: unknown, target: string | undefined, prefix: string, allowed: string[]): ConfigIssue[] {
  const at = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || '(value)';
  return error.issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length === 0 && allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
      return issue.keys.map((key) => ({ ...(target !== undefined ? { target } : {}), field: at([...issue.path, key]), rule: `unknown field${where}` }));
    }
    return [{ ...(target !== undefined ? { target } : {}), field: at(issue.path), rule: ruleOf(issue, value) }];
  });
}

/** zod's default messages start with "Invalid input:"; keep the rule part. A missing field says so. */
function ruleOf(issue: z.core.$ZodIssue, value: unknown): string {
  const present = issue.path.reduce<unknown>((at, key) => (isMap(at) ? at[String(key)] : undefined), value);
  if (issue.code === 'invalid_type' && present === undefined) return 'is required';
  return issue.message.replace(/^Invalid input: /, '');
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
