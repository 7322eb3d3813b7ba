/**
 * The simulator's EventBridge scheduled rules through the real EventBridge client: what keyturn's
 * deploy creates (a rule with a schedule expression and a Step Functions target), read back as the
 * local stack reads it, with AWS's documented rules.
 */
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { documented } from '../support/sdk-docs';
import { useSimulator } from '../support/sim';

useSimulator();
const events = () => new EventBridgeClient({});
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:keyturn-rotate-cloudfront-key-dev';
const target = (id: string, input: unknown = { target: 'media' }) => ({ Id: id, Arn: MACHINE, RoleArn: 'arn:aws:iam::123456789012:role/keyturn-schedules', Input: JSON.stringify(input) });

describe('simulated EventBridge rules', () => {
  it('keeps a scheduled rule and its Step Functions target, and reads them back', async () => {
    const { RuleArn } = await events().send(new PutRuleCommand({ Name: 'keyturn-media-dev', ScheduleExpression: 'rate(1 day)', State: 'ENABLED', Description: 'starts rotate-cloudfront-key' }));
    await events().send(new PutTargetsCommand({ Rule: 'keyturn-media-dev', Targets: [target('start-execution')] }));

    expect(RuleArn).toBe('arn:aws:events:us-east-1:123456789012:rule/keyturn-media-dev');
    expect(await events().send(new DescribeRuleCommand({ Name: 'keyturn-media-dev' }))).toMatchObject({ ScheduleExpression: 'rate(1 day)', State: 'ENABLED', EventBusName: 'default' });
    const { Targets } = await events().send(new ListTargetsByRuleCommand({ Rule: 'keyturn-media-dev' }));
    expect(Targets).toEqual([target('start-execution')]);
  });

  it(documented('eventbridge', 'ListRules', "ListRules does not list the targets of a rule.").title, async () => {
    await events().send(new PutRuleCommand({ Name: 'keyturn-a-dev', ScheduleExpression: 'cron(0 8 * * ? *)' }));
    await events().send(new PutTargetsCommand({ Rule: 'keyturn-a-dev', Targets: [target('t')] }));
    await events().send(new PutRuleCommand({ Name: 'other-rule', ScheduleExpression: 'rate(5 minutes)' }));

    const { Rules } = await events().send(new ListRulesCommand({ NamePrefix: 'keyturn-' }));

    expect(Rules).toEqual([{ Name: 'keyturn-a-dev', Arn: 'arn:aws:events:us-east-1:123456789012:rule/keyturn-a-dev', ScheduleExpression: 'cron(0 8 * * ? *)', State: 'ENABLED', EventBusName: 'default' }]);
  });

  it(documented('eventbridge', 'PutRule', "A rule must contain at least an EventPattern or ScheduleExpression.").title, async () => {
    await expect(events().send(new PutRuleCommand({ Name: 'nothing' }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(events().send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'rate(1 days)' }))).rejects.toMatchObject({ name: 'ValidationException', message: 'Parameter ScheduleExpression is not valid.' });
  });

  it(documented('eventbridge', 'PutRule', "If you omit arguments in PutRule, the old values for those arguments are not kept.").title, async () => {
    await events().send(new PutRuleCommand({ Name: 'replaced', ScheduleExpression: 'rate(1 day)', Description: 'first' }));
    await events().send(new PutTargetsCommand({ Rule: 'replaced', Targets: [target('t')] }));
    await events().send(new PutRuleCommand({ Name: 'replaced', ScheduleExpression: 'rate(2 days)' }));

    const rule = await events().send(new DescribeRuleCommand({ Name: 'replaced' }));
    expect(rule.ScheduleExpression).toBe('rate(2 days)');
    expect(rule.Description).toBeUndefined();
    // Targets are not PutRule's arguments: they stay.
    expect((await events().send(new ListTargetsByRuleCommand({ Rule: 'replaced' }))).Targets).toHaveLength(1);
  });

  it(documented('eventbridge', 'PutTargets', "Each rule can have up to five (5) targets associated with it at one time.").title, async () => {
    await events().send(new PutRuleCommand({ Name: 'many', ScheduleExpression: 'rate(1 hour)' }));
    await events().send(new PutTargetsCommand({ Rule: 'many', Targets: ['a', 'b', 'c', 'd', 'e'].map((id) => target(id)) }));

    const sixth = await events().send(new PutTargetsCommand({ Rule: 'many', Targets: [target('f'), target('a', { again: true })] }));

    expect(sixth).toMatchObject({ FailedEntryCount: 1, FailedEntries: [{ TargetId: 'f', ErrorCode: 'LimitExceededException' }] });
    const { Targets } = await events().send(new ListTargetsByRuleCommand({ Rule: 'many' }));
    expect(Targets!.map((t) => t.Id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(JSON.parse(Targets![0]!.Input!)).toEqual({ again: true });
  });

  it(documented('eventbridge', 'PutTargets', "The maximum number of entries per request is 10.").title, async () => {
    await events().send(new PutRuleCommand({ Name: 'eleven', ScheduleExpression: 'rate(1 hour)' }));
    const eleven = Array.from({ length: 11 }, (_, i) => target(`t${i}`));
    await expect(events().send(new PutTargetsCommand({ Rule: 'eleven', Targets: eleven }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('refuses targets for a rule that does not exist, and deletes a rule once its targets are removed', async () => {
    await expect(events().send(new PutTargetsCommand({ Rule: 'ghost', Targets: [target('t')] }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await events().send(new PutRuleCommand({ Name: 'gone', ScheduleExpression: 'rate(1 hour)' }));
    await events().send(new PutTargetsCommand({ Rule: 'gone', Targets: [target('t')] }));
    await expect(events().send(new DeleteRuleCommand({ Name: 'gone' }))).rejects.toMatchObject({ name: 'ValidationException' });
    await events().send(new RemoveTargetsCommand({ Rule: 'gone', Ids: ['t'] }));
    await events().send(new DeleteRuleCommand({ Name: 'gone' }));
    await expect(events().send(new DescribeRuleCommand({ Name: 'gone' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
