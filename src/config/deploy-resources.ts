/**
 * What `npm run package` adds around the workflows' state machines, from the validated config:
 * one EventBridge schedule per enabled target, and for every state machine logging at level
 * ERROR without execution data (execution data could carry ids an operator did not mean to log),
 * X-Ray tracing, and an alarm on failed executions wired to the alarm topic (serverless/alarms.yml);
 * and with the expiry check deployed, the expiry alarm on the same topic (expiryAlarm).
 *
 * Applied centrally (serverless/schedules.cjs → `resources:` in serverless.yml), so a workflow
 * fragment only declares its functions and its state machine.
 */
import { DEFAULT_THRESHOLDS_DAYS } from '../iam/classify-expiry';
import { DEFAULT_EXPIRY_METRICS_NAMESPACE, EXPIRY_METRICS_SERVICE, MIN_DAYS_TO_EXPIRY_METRIC } from '../iam/expiry-metrics';
import { expiryCheckInputSchema } from '../iam/workflow-inputs';
import type { KeyturnConfig } from './config-schema';

/** A state machine as serverless-step-functions compiles it. */
export interface DeployedMachine {
  workflow: string;
  /** Its key under `stepFunctions.stateMachines`, e.g. `rotateCloudfrontKey`. */
  key: string;
  /** Its resolved `name`, e.g. `keyturn-rotate-cloudfront-key-dev`. */
  name?: string;
}

/** The SNS topic declared in serverless/alarms.yml. */
export const ALARM_TOPIC_ID = 'KeyturnAlarmTopic';
export const SCHEDULE_ROLE_ID = 'KeyturnScheduleRole';
export const EXPIRY_ALARM_ID = 'ServerCertificateExpiryAlarm';
/** The check's workflow, whose function emits the expiry metrics (src/iam/expiry-metrics.ts). */
const EXPIRY_CHECK_WORKFLOW = 'check-iam-cert-expiry';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

export interface DeployResources {
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Description: string; Value: unknown }>;
  /** osls `resources.extensions`: merged into resources serverless-step-functions generates. */
  extensions: Record<string, { Properties?: Record<string, unknown>; DependsOn?: string[] }>;
}

/** serverless's getNormalizedResourceName. */
export function normalizedName(name: string): string {
  const replaced = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${replaced.charAt(0).toUpperCase()}${replaced.slice(1)}`;
}

/** serverless-step-functions' getStateMachineLogicalId. */
export function stateMachineLogicalId(machine: DeployedMachine): string {
  return machine.name ? normalizedName(machine.name) : `${normalizedName(machine.key)}StepFunctionsStateMachine`;
}

const pascal = (name: string) => name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((p) => `${p.charAt(0).toUpperCase()}${p.slice(1)}`).join('');

export function deployResources(config: KeyturnConfig, machines: DeployedMachine[]): DeployResources {
  const out: DeployResources = { Resources: {}, Outputs: {}, extensions: {} };
  const byWorkflow = new Map(machines.map((m) => [m.workflow, m]));

  for (const machine of machines) {
    const id = stateMachineLogicalId(machine);
    const base = pascal(machine.key);
    const logGroupId = `${base}StateMachineLogGroup`;
    const policyId = `${base}StateMachineObservabilityPolicy`;
    out.Resources[logGroupId] = {
      Type: 'AWS::Logs::LogGroup',
      // The /aws/vendedlogs/ prefix keeps the log-delivery resource policy small (Step Functions guide).
      Properties: { LogGroupName: `/aws/vendedlogs/states/${machine.name ?? machine.key}`, RetentionInDays: 30 },
    };
    out.Resources[policyId] = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: `${machine.name ?? machine.key}-logs-and-traces`,
        Roles: [{ Ref: `${id}Role` }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              // Log delivery APIs take no resource ARN (Step Functions developer guide, "Logging using CloudWatch Logs").
              Effect: 'Allow',
              Action: [
                'logs:CreateLogDelivery',
                'logs:GetLogDelivery',
                'logs:UpdateLogDelivery',
                'logs:DeleteLogDelivery',
                'logs:ListLogDeliveries',
                'logs:PutResourcePolicy',
                'logs:DescribeResourcePolicies',
                'logs:DescribeLogGroups',
              ],
              Resource: '*',
            },
            {
              Effect: 'Allow',
              Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
              Resource: '*',
            },
          ],
        },
      },
    };
    out.extensions[id] = {
      Properties: {
        LoggingConfiguration: {
          Level: 'ERROR',
          IncludeExecutionData: false,
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] } } }],
        },
        TracingConfiguration: { Enabled: true },
      },
      // The role must be allowed to deliver logs before the state machine is created with them.
      DependsOn: [policyId],
    };
    out.Resources[`${base}ExecutionsFailedAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: `${machine.workflow}: an execution failed, timed out or was aborted`,
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: id } }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: ALARM_TOPIC_ID }],
      },
    };
  }

  if (byWorkflow.has(EXPIRY_CHECK_WORKFLOW)) out.Resources[EXPIRY_ALARM_ID] = expiryAlarm(config);

  const scheduled = config.targets.filter((t) => t.enabled && t.schedule !== undefined);
  const startable = new Set<string>();
  for (const target of scheduled) {
    const machine = byWorkflow.get(target.workflow);
    if (!machine) throw new Error(`target '${target.name}': workflow '${target.workflow}' has no state machine in serverless.yml stepFunctions.stateMachines`);
    const id = stateMachineLogicalId(machine);
    startable.add(id);
    out.Resources[`${pascal(target.name)}Schedule`] = {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: `keyturn-${target.name}-${config.stage}`.slice(0, 64),
        Description: `keyturn target ${target.name}: starts ${target.workflow}`,
        ScheduleExpression: target.schedule,
        State: 'ENABLED',
        Targets: [{ Id: 'start-execution', Arn: { Ref: id }, RoleArn: { 'Fn::GetAtt': [SCHEDULE_ROLE_ID, 'Arn'] }, Input: JSON.stringify(target.input) }],
      },
    };
  }
  if (startable.size) {
    out.Resources[SCHEDULE_ROLE_ID] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [
          {
            PolicyName: 'start-scheduled-state-machines',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: [...startable].sort().map((id) => ({ Ref: id })) }],
            },
          },
        ],
      },
    };
  }
  out.Outputs.KeyturnAlarmTopicArn = { Description: 'SNS topic of the failed-execution and certificate-expiry alarms: subscribe to it', Value: { Ref: ALARM_TOPIC_ID } };
  return out;
}

/**
 * The most urgent threshold (the smallest, the "critical" band) of the enabled expiry checks; the
 * default thresholds' when none is enabled (a manual run still emits the metric).
 */
export function mostUrgentExpiryThreshold(config: KeyturnConfig): number {
  const thresholds = config.targets
    .filter((t) => t.enabled && t.workflow === EXPIRY_CHECK_WORKFLOW)
    .flatMap((t) => {
      const input = expiryCheckInputSchema.safeParse(t.input);
      return input.success ? input.data.thresholdsDays : [...DEFAULT_THRESHOLDS_DAYS];
    });
  return Math.min(...(thresholds.length ? thresholds : DEFAULT_THRESHOLDS_DAYS));
}

/**
 * The expiry alarm: on the service-only series of the fewest days left of any unmuted certificate
 * (the per-certificate series are one metric each, and an alarm watches one metric). In alarm when
 * a check reports a certificate within the most urgent threshold, or expired.
 *
 * The check runs about daily, so one period is a day. A day without a data point keeps the last
 * verdict (`ignore`): a late run must not clear or re-raise the alarm, and a run that failed
 * already raised its state machine's ExecutionsFailed alarm, so it must not hide a certificate
 * that is still expiring. A run with no unmuted certificate emits nothing, which keeps the state too.
 */
function expiryAlarm(config: KeyturnConfig): Resource {
  const threshold = mostUrgentExpiryThreshold(config);
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: `${EXPIRY_CHECK_WORKFLOW}: an IAM server certificate that is not muted expires within ${threshold} day(s) or has expired`,
      // As serverless/check-iam-cert-expiry.yml sets POWERTOOLS_METRICS_NAMESPACE (test/package.test.ts compares them).
      Namespace: DEFAULT_EXPIRY_METRICS_NAMESPACE,
      MetricName: MIN_DAYS_TO_EXPIRY_METRIC,
      Dimensions: [{ Name: 'service', Value: EXPIRY_METRICS_SERVICE }],
      Statistic: 'Minimum',
      Period: 86_400,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: threshold,
      ComparisonOperator: 'LessThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
      AlarmActions: [{ Ref: ALARM_TOPIC_ID }],
      OKActions: [{ Ref: ALARM_TOPIC_ID }],
    },
  };
}
