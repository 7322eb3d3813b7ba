/**
 * Reads a workflow the way serverless does: its fragment `serverless/<workflow>.yml` maps each
 * function key to a handler file, and each Task's `{"Fn::GetAtt": ["<LogicalId>", "Arn"]}`
 * names a function by serverless's logical id. One mapping, used to deploy and to run locally.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { lambdaLogicalId } from '../../workflows/asl';

export const LOCAL_ACCOUNT_ID = '123456789012';

/** The workflow does not exist or its files break the conventions in docs/contributing.md. */
export class WorkflowDefinitionError extends Error {
  override name = 'WorkflowDefinitionError' as const;
}

export class UnknownWorkflowError extends WorkflowDefinitionError {
  constructor(workflow: string, root: string) {
    const known = listWorkflows(root);
    super(`unknown workflow '${workflow}': no serverless/${workflow}.yml under ${root}` + (known.length ? ` (known: ${known.join(', ')})` : ''));
  }
}

export interface FunctionConfig {
  /** The key under `functions:`, e.g. `cloudfrontCreatePublicKey`. */
  key: string;
  /** serverless's logical id, e.g. `CloudfrontCreatePublicKeyLambdaFunction`. */
  logicalId: string;
  /** As written in the fragment: `functions/<workflow>/<step>.handler`. */
  handler: string;
  /** Absolute path of the handler's source file. */
  file: string;
  /** The exported function's name (after the last dot of `handler`). */
  exportName: string;
  timeoutSeconds: number;
  memorySize: number;
}

export interface WorkflowConfig {
  workflow: string;
  root: string;
  stateMachineName: string;
  functions: FunctionConfig[];
  /** The ASL definition as written (with `Fn::GetAtt` still in it). */
  definition: AslDefinition;
  definitionFile: string;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [field: string]: unknown;
}

export interface AslState {
  Type: string;
  Resource?: unknown;
  Parameters?: Record<string, unknown>;
  Retry?: unknown[];
  Branches?: AslDefinition[];
  Iterator?: AslDefinition;
  ItemProcessor?: AslDefinition;
  [field: string]: unknown;
}

const SOURCE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
/** serverless's defaults when a function sets neither (provider values in serverless.yml apply on deploy). */
const DEFAULT_TIMEOUT_SECONDS = 6;
const DEFAULT_MEMORY_MB = 1024;


/** Workflows: the state machines in state-machines/ that have a deploy fragment in serverless/. */
export function listWorkflows(root: string): string[] {
  const dir = join(root, 'state-machines');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.asl\.(json|ya?ml)$/.test(f))
    .map((f) => f.replace(/\.asl\.(json|ya?ml)$/, ''))
    .filter((workflow) => fragmentPath(root, workflow) !== undefined)
    .sort();
}

export function fragmentPath(root: string, workflow: string): string | undefined {
  return ['.yml', '.yaml'].map((ext) => join(root, 'serverless', `${workflow}${ext}`)).find(existsSync);
}

interface Fragment {
  functions?: Record<string, { handler?: unknown; timeout?: unknown; memorySize?: unknown } | null>;
  stateMachine?: { name?: unknown; definition?: unknown };
}

function readFragment(root: string, workflow: string): { fragment: Fragment; path: string } {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(workflow)) throw new UnknownWorkflowError(workflow, root);
  const path = fragmentPath(root, workflow);
  if (!path) throw new UnknownWorkflowError(workflow, root);
  const fragment = parseYaml(readFileSync(path, 'utf8')) as Fragment | null;
  if (!fragment || typeof fragment !== 'object') throw new WorkflowDefinitionError(`${path}: expected a YAML map with functions: and stateMachine:`);
  return { fragment, path };
}

/** The functions of one fragment, resolved to their source files. */
export function workflowFunctions(root: string, workflow: string): FunctionConfig[] {
  const { fragment, path } = readFragment(root, workflow);
  return Object.entries(fragment.functions ?? {}).map(([key, fn]) => {
    const handler = fn?.handler;
    if (typeof handler !== 'string' || !handler.includes('.')) {
      throw new WorkflowDefinitionError(`${path}: functions.${key}.handler must be '<path>.<export>', got ${JSON.stringify(handler)}`);
    }
    const dot = handler.lastIndexOf('.');
    const base = resolve(root, handler.slice(0, dot));
    const file = SOURCE_EXTENSIONS.map((ext) => `${base}${ext}`).find(existsSync);
    if (!file) throw new WorkflowDefinitionError(`${path}: functions.${key}.handler '${handler}': no ${base}{${SOURCE_EXTENSIONS.join(',')}}`);
    return {
      key,
      logicalId: lambdaLogicalId(key),
      handler,
      file,
      exportName: handler.slice(dot + 1),
      timeoutSeconds: typeof fn?.timeout === 'number' ? fn.timeout : DEFAULT_TIMEOUT_SECONDS,
      memorySize: typeof fn?.memorySize === 'number' ? fn.memorySize : DEFAULT_MEMORY_MB,
    };
  });
}

export function loadWorkflow(workflow: string, root: string): WorkflowConfig {
  const { fragment, path } = readFragment(root, workflow);
  const functions = workflowFunctions(root, workflow);
  const definitionFile = definitionPath(root, workflow, fragment.stateMachine?.definition, path);
  const text = readFileSync(definitionFile, 'utf8');
  const definition = (definitionFile.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as AslDefinition;
  if (!definition || typeof definition !== 'object' || typeof definition.StartAt !== 'string' || typeof definition.States !== 'object') {
    throw new WorkflowDefinitionError(`${definitionFile}: not an ASL definition (StartAt and States are required)`);
  }
  if (definition.QueryLanguage === 'JSONata') {
    throw new WorkflowDefinitionError(`${definitionFile}: JSONata is not supported by the local runner; use JSONPath`);
  }
  const rawName = typeof fragment.stateMachine?.name === 'string' ? fragment.stateMachine.name : workflow;
  return {
    workflow,
    root,
    // serverless variables (`${sls:stage}`) mean nothing locally.
    stateMachineName: rawName.replace(/\$\{[^}]*\}/g, 'local'),
    functions,
    definition,
    definitionFile,
  };
}

function definitionPath(root: string, workflow: string, declared: unknown, fragmentFile: string): string {
  if (typeof declared === 'string') {
    const match = /^\$\{file\(([^)]+)\)\}$/.exec(declared.trim());
    if (!match?.[1]) throw new WorkflowDefinitionError(`${fragmentFile}: stateMachine.definition must be \${file(state-machines/${workflow}.asl.json)}`);
    const file = resolve(root, match[1]);
    if (!existsSync(file)) throw new WorkflowDefinitionError(`${fragmentFile}: ${match[1]} does not exist`);
    return file;
  }
  const file = ['.asl.json', '.asl.yaml', '.asl.yml'].map((ext) => join(root, 'state-machines', `${workflow}${ext}`)).find(existsSync);
  if (!file) throw new WorkflowDefinitionError(`no state-machines/${workflow}.asl.json (or .asl.yaml) under ${root}`);
  return file;
}

/** Every state of a definition, nested ones (Parallel branches, Map iterators) included. */
export function allStates(definition: AslDefinition): [string, AslState][] {
  const out: [string, AslState][] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    out.push([name, state]);
    for (const branch of state.Branches ?? []) out.push(...allStates(branch));
    if (state.Iterator) out.push(...allStates(state.Iterator));
    if (state.ItemProcessor) out.push(...allStates(state.ItemProcessor));
  }
  return out;
}

/**
 * The workflows serverless.yml deploys: one `${file(serverless/<workflow>.yml):functions}` line
 * per fragment under `functions:`.
 */
export function deployedWorkflows(root: string): string[] {
  const file = join(root, 'serverless.yml');
  if (!existsSync(file)) return [];
  const config = parseYaml(readFileSync(file, 'utf8')) as { functions?: unknown } | null;
  const entries = Array.isArray(config?.functions) ? config.functions : [];
  return entries.flatMap((entry) => {
    const match = typeof entry === 'string' ? /^\$\{file\(serverless\/([a-z0-9-]+)\.ya?ml\):functions\}$/.exec(entry.trim()) : null;
    return match?.[1] ? [match[1]] : [];
  });
}
