/**
 * The "Ask approval to …" steps of a rotation (src/rotation/approval.ts), written once: a
 * `.waitForTaskToken` Task's event (the config, the gate, the execution and the task token) and its
 * step. Each rotation names its target through its `ReportedTarget`.
 */
import * as z from '../zod';
import { askApproval } from '../rotation/approval';
import { APPROVAL_GATES } from '../rotation/approval-store';
import { approvalSchema } from '../rotation/config';
import type { ReportedTarget } from '../rotation/report';
import type { SecretsClient } from '../secrets/credential-store';
import { notifyCollaborators } from './runtime';

export function askApprovalStep<K extends string>(target: ReportedTarget<K>) {
  const schema = z.object({
    config: z.looseObject({
      approval: z.optional(approvalSchema),
      target: z.optional(z.string()),
      requestedBy: z.optional(z.string()),
      slackWebhookSecretId: z.optional(z.string()),
      [target.idField]: z.string(),
    }),
    gate: z.enum(APPROVAL_GATES),
    executionArn: z.string().check(z.minLength(1)),
    taskToken: z.string().check(z.minLength(1)),
  });
  const step = (event: z.infer<typeof schema>, deps: { secrets: SecretsClient; now: () => Date }) => {
    const config = event.config as z.infer<typeof schema>['config'] & Record<K, string>;
    return askApproval(
      { ...notifyCollaborators(deps.secrets), now: deps.now },
      {
        taskToken: event.taskToken,
        executionArn: event.executionArn,
        executionName: event.executionArn.slice(event.executionArn.lastIndexOf(':') + 1),
        gate: event.gate,
        workflow: target.workflow,
        subject: target.describe(config[target.idField]),
        config,
      },
    );
  };
  return { schema, step };
}
