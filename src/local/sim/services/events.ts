/**
 * EventBridge scheduled rules (awsJson1_1, `X-Amz-Target: AWSEvents.<Op>`), as keyturn's deploy
 * creates them (AWS::Events::Rule with a ScheduleExpression and a Step Functions target): PutRule,
 * PutTargets, DescribeRule, ListRules, ListTargetsByRule, RemoveTargets and DeleteRule, on the
 * default event bus. The simulator only keeps the rules; the local stack (src/local/stack.ts)
 * reads them back through this API and fires them on its simulated clock.
 */
import { AwsError, type ServiceModule, type SimContext, type SimResponse } from '../protocol';
import { slice } from '../state';
import { awsJson, readJsonInput, renderAwsJsonError, routeByTarget, type JsonInput } from '../aws-json';

const TARGET_PREFIX = 'AWSEvents.';
const OPERATIONS = new Set(['PutRule', 'PutTargets', 'DescribeRule', 'ListRules', 'ListTargetsByRule', 'RemoveTargets', 'DeleteRule']);
/** Rule names: 1-64 of `[.\-_A-Za-z0-9]`. */
const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const TARGET_ID = /^[.\-_A-Za-z0-9]{1,64}$/;
const MAX_TARGETS_PER_RULE = 5;
const MAX_ENTRIES_PER_REQUEST = 10;
const PAGE = 100;

export interface RuleTarget {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
}

export interface StoredRule {
  Name: string;
  Arn: string;
  ScheduleExpression?: string;
  EventPattern?: string;
  State: 'ENABLED' | 'DISABLED';
  Description?: string;
  targets: RuleTarget[];
}

interface EventsState {
  rules: Record<string, StoredRule>;
}

const eventsState = (ctx: SimContext) => slice<EventsState>(ctx.state, 'events', () => ({ rules: {} }));

export const events: ServiceModule = {
  service: 'events',
  ...routeByTarget(TARGET_PREFIX, OPERATIONS),
  handle(operation, req, ctx) {
    const input = readJsonInput(req);
    switch (operation) {
      case 'PutRule':
        return putRule(input, ctx);
      case 'PutTargets':
        return putTargets(input, ctx);
      case 'DescribeRule':
        return describeRule(input, ctx);
      case 'ListRules':
        return listRules(input, ctx);
      case 'ListTargetsByRule':
        return listTargetsByRule(input, ctx);
      case 'RemoveTargets':
        return removeTargets(input, ctx);
      case 'DeleteRule':
        return deleteRule(input, ctx);
      default:
        throw new AwsError('UnknownOperationException', 400, `operation ${operation} is not simulated`);
    }
  },
  renderError: (error) => renderAwsJsonError('1.1', error),
  throttlingError: () => new AwsError('ThrottlingException', 400, 'Rate exceeded'),
  resourceOf(_operation, req) {
    const name = readJsonInput(req).Name ?? readJsonInput(req).Rule;
    return typeof name === 'string' ? name : undefined;
  },
};

function putRule(input: JsonInput, ctx: SimContext): SimResponse {
  const name = ruleName(input.Name, 'name');
  defaultBusOnly(input.EventBusName);
  const schedule = optionalString(input.ScheduleExpression, 'scheduleExpression');
  const pattern = optionalString(input.EventPattern, 'eventPattern');
  // "A rule must contain at least an EventPattern or ScheduleExpression."
  if (schedule === undefined && pattern === undefined) throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  if (schedule !== undefined && !validSchedule(schedule)) throw validation('Parameter ScheduleExpression is not valid.');
  const state = input.State ?? 'ENABLED';
  if (state !== 'ENABLED' && state !== 'DISABLED') throw validation(`Value '${String(state)}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`);
  const rules = eventsState(ctx).rules;
  const existing = rules[name];
  const Arn = `arn:aws:events:${ctx.state.region}:${ctx.state.accountId}:rule/${name}`;
  // "If you are updating an existing rule, the rule is replaced with what you specify": its targets stay.
  rules[name] = {
    Name: name,
    Arn,
    ...(schedule !== undefined ? { ScheduleExpression: schedule } : {}),
    ...(pattern !== undefined ? { EventPattern: pattern } : {}),
    State: state,
    ...(typeof input.Description === 'string' ? { Description: input.Description } : {}),
    targets: existing?.targets ?? [],
  };
  return awsJson('1.1', 200, { RuleArn: Arn });
}

function putTargets(input: JsonInput, ctx: SimContext): SimResponse {
  const rule = findRule(ctx, ruleName(input.Rule, 'rule'));
  defaultBusOnly(input.EventBusName);
  const targets = input.Targets;
  if (!Array.isArray(targets) || targets.length === 0) throw validation("Value at 'targets' failed to satisfy constraint: Member must have length greater than or equal to 1");
  if (targets.length > MAX_ENTRIES_PER_REQUEST) throw validation(`Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES_PER_REQUEST}`);
  const failed: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
  for (const raw of targets as Record<string, unknown>[]) {
    const id = typeof raw.Id === 'string' && TARGET_ID.test(raw.Id) ? raw.Id : undefined;
    if (!id || typeof raw.Arn !== 'string' || !raw.Arn.startsWith('arn:')) throw validation("Value at 'targets' failed to satisfy constraint: each target needs an Id and an Arn");
    if (raw.Input !== undefined) {
      try {
        JSON.parse(String(raw.Input));
      } catch {
        throw validation(`Target ${id}: Input is not valid JSON`);
      }
    }
    const target: RuleTarget = { Id: id, Arn: raw.Arn, ...(typeof raw.RoleArn === 'string' ? { RoleArn: raw.RoleArn } : {}), ...(typeof raw.Input === 'string' ? { Input: raw.Input } : {}) };
    const index = rule.targets.findIndex((t) => t.Id === id);
    // "Each rule can have up to five (5) targets associated with it at one time."
    if (index < 0 && rule.targets.length >= MAX_TARGETS_PER_RULE) {
      failed.push({ TargetId: id, ErrorCode: 'LimitExceededException', ErrorMessage: `The requested resource exceeds the maximum number allowed (${MAX_TARGETS_PER_RULE} targets a rule).` });
      continue;
    }
    if (index < 0) rule.targets.push(target);
    else rule.targets[index] = target;
  }
  return awsJson('1.1', 200, { FailedEntryCount: failed.length, FailedEntries: failed });
}

function describeRule(input: JsonInput, ctx: SimContext): SimResponse {
  const rule = findRule(ctx, ruleName(input.Name, 'name'));
  return awsJson('1.1', 200, { ...ruleJson(rule), CreatedBy: ctx.state.accountId });
}

function listRules(input: JsonInput, ctx: SimContext): SimResponse {
  const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
  const all = Object.values(eventsState(ctx).rules)
    .filter((r) => r.Name.startsWith(prefix))
    .sort((a, b) => a.Name.localeCompare(b.Name));
  const { page, next } = paginate(all, input);
  return awsJson('1.1', 200, { Rules: page.map(ruleJson), ...(next ? { NextToken: next } : {}) });
}

function listTargetsByRule(input: JsonInput, ctx: SimContext): SimResponse {
  const rule = findRule(ctx, ruleName(input.Rule, 'rule'));
  const { page, next } = paginate(rule.targets, input);
  return awsJson('1.1', 200, { Targets: page, ...(next ? { NextToken: next } : {}) });
}

function removeTargets(input: JsonInput, ctx: SimContext): SimResponse {
  const rule = findRule(ctx, ruleName(input.Rule, 'rule'));
  const ids = Array.isArray(input.Ids) ? (input.Ids as unknown[]).filter((i): i is string => typeof i === 'string') : [];
  rule.targets = rule.targets.filter((t) => !ids.includes(t.Id));
  return awsJson('1.1', 200, { FailedEntryCount: 0, FailedEntries: [] });
}

function deleteRule(input: JsonInput, ctx: SimContext): SimResponse {
  const name = ruleName(input.Name, 'name');
  const rule = eventsState(ctx).rules[name];
  if (!rule) return awsJson('1.1', 200, {});
  // A rule must have no targets before it can be deleted.
  if (rule.targets.length) throw new AwsError('ValidationException', 400, 'Rule can\'t be deleted since it has targets.');
  delete eventsState(ctx).rules[name];
  return awsJson('1.1', 200, {});
}

function ruleJson(rule: StoredRule): Record<string, unknown> {
  const { targets: _targets, ...shown } = rule;
  return { ...shown, EventBusName: 'default' };
}

function paginate<T>(items: T[], input: JsonInput): { page: T[]; next?: string } {
  const limit = typeof input.Limit === 'number' && input.Limit > 0 ? Math.min(input.Limit, PAGE) : PAGE;
  const start = typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw validation('The NextToken is not valid.');
  const page = items.slice(start, start + limit);
  return start + limit < items.length ? { page, next: Buffer.from(String(start + limit)).toString('base64') } : { page };
}

function findRule(ctx: SimContext, name: string): StoredRule {
  const rule = eventsState(ctx).rules[name];
  if (!rule) throw new AwsError('ResourceNotFoundException', 400, `Rule ${name} does not exist on EventBus default.`);
  return rule;
}

function ruleName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !RULE_NAME.test(value)) throw validation(`Value at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length between 1 and 64`);
  return value;
}

function defaultBusOnly(bus: unknown): void {
  if (bus !== undefined && bus !== 'default' && !(typeof bus === 'string' && bus.endsWith(':event-bus/default'))) {
    throw new AwsError('ResourceNotFoundException', 400, `Event bus ${String(bus)} does not exist (the simulator keeps only the default event bus).`);
  }
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > 4096) throw validation(`Value at '${field}' failed to satisfy constraint: Member must be a string of at most 4096 characters`);
  return value;
}

const validation = (message: string) => new AwsError('ValidationException', 400, message);

/**
 * The simulator's own reading of a schedule expression (it does not borrow keyturn's): rate(1 <unit>)
 * or rate(<n> <unit>s) in minutes, hours or days; cron with six fields, ? in exactly one of
 * day-of-month and day-of-week.
 */
function validSchedule(expression: string): boolean {
  const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression);
  if (rate) return Number(rate[1]) > 0 && (rate[1] === '1') === (rate[3] === '');
  const cron = /^cron\(([^)]*)\)$/.exec(expression);
  const fields = cron?.[1]!.trim().split(/\s+/);
  return fields?.length === 6 && (fields[2] === '?') !== (fields[4] === '?');
}
