/**
 * The state machines are written in TypeScript (workflows/) and generated into state-machines/:
 * the committed files are what the definitions generate, and the definitions hold together with
 * the deploy fragments and the handlers.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allStates, deployedWorkflows, loadWorkflow, workflowFunctions, type AslState } from '../../src/local/runner-workflow';
import {
  aslFileText,
  catchAll,
  choice,
  fail,
  LAMBDA_SERVICE_ERRORS,
  lambdaLogicalId,
  machine,
  pass,
  task,
  toAsl,
  WorkflowDefinitionError,
} from '../../workflows/asl';
import { FUNCTION_PREFIXES, WORKFLOWS } from '../../workflows';
import { generatedFiles } from '../../workflows/generated';
import { STEP_RESULTS as CLOUDFRONT_STEPS } from '../../src/cloudfront/rotation-steps';
import { STEP_RESULTS as LIGHTSAIL_STEPS } from '../../src/lightsail/rotation-steps';
import { STEP_RESULTS as APIGW_STEPS } from '../../src/apigateway/rotation-steps';

const root = fileURLToPath(new URL('../..', import.meta.url));
const workflows = Object.keys(WORKFLOWS);

interface RetryRule {
  ErrorEquals: string[];
}
const tasksOf = (workflow: string) => allStates(loadWorkflow(workflow, root).definition).filter(([, s]) => s.Type === 'Task');
const retried = (state: AslState) => new Set((state.Retry as RetryRule[] | undefined)?.flatMap((r) => r.ErrorEquals) ?? []);
/** The function a Task invokes: its Resource, or (the callback pattern) its Parameters.FunctionName. */
const functionKeyOf = (state: AslState) =>
  ((typeof state.Resource === 'string' ? state.Parameters?.FunctionName : state.Resource) as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

/**
 * Tasks whose function calls no AWS service worth waiting for, so they retry only the invocation's
 * own failures: combining results, and reporting a failure (a report that fails again ends the
 * run with the original error).
 */
const INVOCATION_ONLY: Record<string, string[]> = {
  'check-iam-cert-expiry': ["Combine the accounts' checks", 'Report failure to Slack'],
  'import-iam-server-cert': ['Report the rejected input to Slack', 'Report failure to Slack'],
};

describe('workflow definitions', () => {
  it('defines every workflow serverless.yml deploys, and nothing else', () => {
    expect([...workflows].sort()).toEqual([...deployedWorkflows(root)].filter((w) => w !== 'notify-execution-failure').sort());
  });

  it.each(generatedFiles().map(([path, text]) => ({ path, text })))('$path holds exactly what npm run build:workflows generates', ({ path, text }) => {
    const committed = readFileSync(`${root}/${path}`, 'utf8');
    // On a difference: `npm run build:workflows`, and commit the regenerated file with its definition.
    expect(committed).toBe(text);
  });

  it("generates every workflow's ASL from its definition", () => {
    for (const workflow of workflows) expect(generatedFiles()).toContainEqual([`state-machines/${workflow}.asl.json`, aslFileText(WORKFLOWS[workflow]!)]);
  });

  it.each(workflows)('%s: every Task retries the transient errors', (workflow) => {
    for (const [name, state] of tasksOf(workflow)) {
      const errors = retried(state);
      for (const error of LAMBDA_SERVICE_ERRORS) expect(errors.has(error), `${workflow} / ${name} retries ${error}`).toBe(true);
      if (!INVOCATION_ONLY[workflow]?.includes(name)) expect(errors.has('TransientAwsError'), `${workflow} / ${name} retries TransientAwsError`).toBe(true);
    }
  });

  it.each(workflows)('%s: every Task names a function of serverless/<workflow>.yml, and every function is used', (workflow) => {
    const functions = workflowFunctions(root, workflow);
    const used = new Set(tasksOf(workflow).map(([, state]) => functionKeyOf(state)));
    expect([...used].filter((id) => !functions.some((f) => f.logicalId === id))).toEqual([]);
    expect(functions.filter((f) => !used.has(f.logicalId)).map((f) => f.key)).toEqual([]);
  });

  it.each(workflows)("%s: every handler's header names a state that runs it", (workflow) => {
    const tasks = tasksOf(workflow);
    for (const fn of workflowFunctions(root, workflow)) {
      const header = /^\/\*\*[\s*]*Task "([^"]+)"/.exec(readFileSync(fn.file, 'utf8'))?.[1];
      const states = tasks.filter(([, state]) => functionKeyOf(state) === fn.logicalId).map(([name]) => name);
      expect(states, `${fn.handler}'s header names "${header}"`).toContain(header);
    }
  });

  it.each(workflows)('%s: names follow one scheme: state "Verb object" → function <prefix>VerbObject → file verb-object.ts → a domain function verb…', (workflow) => {
    const prefix = FUNCTION_PREFIXES[workflow];
    expect(prefix, `FUNCTION_PREFIXES names ${workflow}'s prefix`).toBeTruthy();
    const tasks = tasksOf(workflow);
    for (const fn of workflowFunctions(root, workflow)) {
      expect(fn.key.startsWith(prefix!), `${fn.key} starts with ${workflow}'s prefix ${prefix}`).toBe(true);
      const verbObject = fn.key.slice(prefix!.length);
      expect(basename(fn.file), `${fn.key}'s handler file`).toBe(`${verbObject.replace(/[A-Z]/g, (c, i: number) => `${i ? '-' : ''}${c.toLowerCase()}`)}.ts`);
      // Names a handler imports from the domain (src/) or its workflow's lib/.
      const source = readFileSync(fn.file, 'utf8');
      const imported = [...source.matchAll(/import \{([^}]+)\} from '(?:\.\.\/\.\.\/src\/|\.\/lib\/)[^']+'/g)].flatMap((m) => m[1]!.split(',').map((n) => n.trim()));
      for (const [state] of tasks.filter(([, s]) => functionKeyOf(s) === fn.logicalId)) {
        const verb = state.split(' ')[0]!;
        expect(verbObject.startsWith(verb), `state "${state}" → function ${fn.key}: the key says the state's verb`).toBe(true);
        expect(imported.some((name) => name.startsWith(verb.toLowerCase())), `${basename(fn.file)} calls a domain function that starts with "${verb.toLowerCase()}" (imports: ${imported.join(', ')})`).toBe(true);
      }
    }
  });

  it("derives each rotation's step results from its definition: the first state, then every step that keeps a result, in order", () => {
    // The ending's Tasks keep theirs in `compensation` and `notification`, the approval gates theirs
    // in `startApproval` and `retireApproval` (a failed gate names itself in `notApproved`): not steps of the rotation.
    const steps = (workflow: string) => [
      [loadWorkflow(workflow, root).definition.StartAt, 'assessment'],
      ...tasksOf(workflow)
        .map(([name, s]) => [name, (s as { ResultPath?: unknown }).ResultPath])
        .flatMap(([name, path]) => (typeof path === 'string' && !['$.compensation', '$.notification', '$.startApproval', '$.retireApproval'].includes(path) ? [[name, path.slice(2)]] : [])),
    ];
    expect(CLOUDFRONT_STEPS).toEqual(steps('rotate-cloudfront-key'));
    expect(LIGHTSAIL_STEPS).toEqual(steps('rotate-lightsail-bucket-key'));
    expect(APIGW_STEPS).toEqual(steps('rotate-apigw-client-cert'));
  });
});

describe('the ASL builder', () => {
  const end = pass('Done', { end: true });

  it('goes on to the state listed next when a state names none, and writes the function as serverless names it', () => {
    const asl = toAsl(machine('m', [task('Do it', { fn: 'my-step_one', resultPath: '$.r' }), end]));

    expect(asl).toMatchObject({
      StartAt: 'Do it',
      States: { 'Do it': { Type: 'Task', Resource: { 'Fn::GetAtt': ['MyDashstepUnderscoreoneLambdaFunction', 'Arn'] }, ResultPath: '$.r', Next: 'Done' } },
    });
    expect(lambdaLogicalId('cloudfrontCheckRotationDue')).toBe('CloudfrontCheckRotationDueLambdaFunction');
  });

  it('refuses a state that goes to a state the machine does not have, naming both', () => {
    expect(() => toAsl(machine('m', [task('Do it', { fn: 'f', catch: [catchAll('Nowhere')] }), end]))).toThrow(
      new WorkflowDefinitionError("the machine, state 'Do it': goes to 'Nowhere', which is not one of its states"),
    );
  });

  it('refuses a state no path leads to', () => {
    expect(() => toAsl(machine('m', [pass('Start', { end: true }), fail('Orphan', { error: 'E' })]))).toThrow("the machine: no path leads to 'Orphan'");
  });

  it('refuses a name listed twice, a last state that neither ends nor goes on, and a Fail without an error', () => {
    expect(() => toAsl(machine('m', [pass('A', { next: 'A' }), pass('A', { end: true })]))).toThrow("state 'A' is listed twice");
    expect(() => toAsl(machine('m', [pass('A', {})]))).toThrow("state 'A': the last state listed must end");
    expect(() => toAsl(machine('m', [choice('C', { choices: [], default: 'F' }), fail('F', {})]))).toThrow('exactly one of error and errorPath');
  });

  it('checks the states inside a Map as a machine of their own', () => {
    // The item processor cannot reach the outer machine's states.
    const definition = machine('m', [
      { name: 'Each', type: 'Map', options: { itemsPath: '$.items', iterator: [pass('Inner', { next: 'Done' })], next: 'Done' } },
      end,
    ]);
    expect(() => toAsl(definition)).toThrow("'Each''s item processor, state 'Inner': goes to 'Done'");
  });
});
