/**
 * Links from a Slack message to the AWS console. The label is escaped text and the target is built
 * from encoded parts, so neither can close the link early or become a mention.
 */
import { slackEscape } from './slack-text';

/** The console's host for a partition: aws, aws-cn, aws-us-gov. */
function consoleHost(partition: string, region: string): string {
  const r = encodeURIComponent(region);
  if (partition === 'aws-cn') return `https://${r}.console.amazonaws.cn`;
  if (partition === 'aws-us-gov') return `https://${r}.console.amazonaws-us-gov.com`;
  return `https://${r}.console.aws.amazon.com`;
}

/** The Step Functions console page of an execution, in the execution's own partition and region (from its ARN). */
export function executionConsoleUrl(executionArn: string): string {
  const [, partition = 'aws', , region = 'us-east-1'] = executionArn.split(':');
  return `${consoleHost(partition, region)}/states/home?region=${encodeURIComponent(region)}#/v2/executions/details/${encodeURIComponent(executionArn)}`;
}

/** `<url|label>` in Slack's mrkdwn, opening the execution in the console. */
export function executionConsoleLink(executionArn: string, label: string): string {
  return `<${executionConsoleUrl(executionArn).replace(/[|>]/g, encodeURIComponent)}|${slackEscape(label)}>`;
}
