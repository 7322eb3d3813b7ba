import * as z from '../zod';
import { describeFailure } from '../notify/caught-failure';
import { notifyRotationFailed, type ReportedTarget } from '../rotation/report';
import type { SecretsClient } from '../secrets/credential-store';
import { compensationField, failureField } from './failure-fields';
import { notifyCollaborators } from './runtime';

/**
 * The "Notify Slack of the failure" step of a rotation (and of a rotation that could not start),
 * written once: its event schema and its step. `config` is there only once the input was
 * validated; before that, the webhook secret and the target id are taken from the raw request only
 * when they pass the config's own rules, and the failure is reported all the same.
 */
export function notifyFailedStep<K extends string>(target: ReportedTarget<K>, firstState: string) {
  const schema = z.object({
    executionName: z.string(),
    failure: failureField,
    config: z.optional(z.looseObject({ slackWebhookSecretId: z.optional(z.string()), [target.idField]: z.string() })),
    request: z.optional(z.unknown()),
    compensation: z.optional(compensationField),
  });
  const loose = z.object({
    slackWebhookSecretId: z.catch(z.optional(z.string().check(z.regex(/^keyturn\//))), undefined),
    [target.idField]: z.catch(target.idSchema, '(unknown)'),
  });
  const step = (event: z.infer<typeof schema>, deps: { secrets: SecretsClient }) => {
    const raw = typeof event.request === 'object' && event.request !== null ? event.request : {};
    const named = (event.config ?? z.parse(loose, raw)) as { slackWebhookSecretId?: string } & Record<string, unknown>;
    const { compensation } = event;
    return notifyRotationFailed(notifyCollaborators(deps.secrets), target, String(named[target.idField]), {
      executionName: event.executionName,
      slackWebhookSecretId: named.slackWebhookSecretId,
      error: describeFailure(event.failure),
      failedState: compensation?.failedState ?? firstState,
      undone: compensation?.undone ?? [],
      kept: compensation?.kept ?? [],
    });
  };
  return { schema, step };
}
