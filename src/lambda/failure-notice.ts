import * as z from '../zod';
import { describeFailure } from '../notify/caught-failure';
import { notifyRotationFailed, type ReportedTarget } from '../rotation/report';
import type { SecretsClient } from '../secrets/credential-store';
import { compensationField, failureField } from './failure-fields';
import { notifyCollaborators } from './runtime';
import { slackButtons } from '../config/function-environment';
import { targetNameField } from '../validation';

/** Failures a rerun cannot cure: another run holds the lock; the input breaks a rule. */
const NOT_RETRIED = ['RotationInProgressError', 'InvalidInputError'];

/**
 * The "Notify Slack of the failure" step of a rotation (and of a rotation that could not start),
 * written once: its event schema and its step. `config` is there only once the input was
 * validated; before that, the webhook secret and the target id are taken from the raw request only
 * when they pass the config's own rules, and the failure is reported all the same.
 */
export function notifyFailedStep<K extends string>(target: ReportedTarget<K>, firstState: string) {
  const schema = z.object({
    executionName: z.string(),
    executionArn: z.optional(z.string()),
    failure: failureField,
    config: z.optional(z.looseObject({ slackWebhookSecretId: z.optional(z.string()), target: z.optional(z.string()), [target.idField]: z.string() })),
    request: z.optional(z.unknown()),
    compensation: z.optional(compensationField),
  });
  const loose = z.object({
    slackWebhookSecretId: z.catch(z.optional(z.string().check(z.regex(/^keyturn\//))), undefined),
    target: z.catch(z.optional(targetNameField()), undefined),
    [target.idField]: z.catch(target.idSchema, '(unknown)'),
  });
  const step = (event: z.infer<typeof schema>, deps: { secrets: SecretsClient }) => {
    const raw = typeof event.request === 'object' && event.request !== null ? event.request : {};
    const named = (event.config ?? z.parse(loose, raw)) as { slackWebhookSecretId?: string; target?: string } & Record<string, unknown>;
    const { compensation } = event;
    const error = describeFailure(event.failure);
    // Slack offers to run the target again where that could help: not while another run holds
    // the lock, not for input that is wrong; and only for a target the config names.
    const retry = slackButtons() && event.executionArn && named.target && !NOT_RETRIED.includes(error.name) ? { target: named.target, executionArn: event.executionArn } : undefined;
    return notifyRotationFailed(notifyCollaborators(deps.secrets), target, String(named[target.idField]), {
      executionName: event.executionName,
      ...(event.executionArn ? { executionArn: event.executionArn } : {}),
      slackWebhookSecretId: named.slackWebhookSecretId,
      error,
      failedState: compensation?.failedState ?? firstState,
      undone: compensation?.undone ?? [],
      kept: compensation?.kept ?? [],
      ...(retry ? { retry } : {}),
    });
  };
  return { schema, step };
}
