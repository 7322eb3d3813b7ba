/**
 * What every rotation tells Slack at its end, written once: a failure (the state that failed, the
 * error, what the undo did and kept) and a success (the facts each service lists), the success
 * once per rotation (notifySlackOnce: a rerun does not say it again). Each service names its
 * target through a `ReportedTarget` and lists its own facts.
 */
import type * as z from '../zod';
import { rotationFailedMessage, rotationSucceededMessage, type RotationFailureReport } from '../notify/rotation-messages';
import { notifySlack, notifySlackOnce, type NotifyDeps, type SlackMessage } from '../notify/slack';

/** A rotation's target as its messages name it. */
export interface ReportedTarget<K extends string = string> {
  workflow: string;
  /** The config field that names the target, and that field's rule: a raw request's value is shown only when it passes. */
  idField: K;
  idSchema: z.ZodMiniType<string>;
  /** The target in a sentence: "key group …". */
  describe(id: string): string;
}

/** The rotation and its credential's secret: Slack is told of it once (notifySlackOnce), not again on a rerun. */
export interface NotifiedRotation {
  secretId: string;
  rotationId: string;
  alreadyNotified?: boolean;
}

export interface RotationSuccess {
  executionName: string;
  executionArn?: string;
  targetId: string;
  slackWebhookSecretId?: string;
  rotation?: NotifiedRotation;
  /** Label → value, shown as fields (ids, dates; never secret material). */
  facts: Record<string, string>;
  /** A message of the service's own instead of the standard one (an alert). */
  message?: SlackMessage;
}

export async function notifyRotationSucceeded(deps: NotifyDeps, target: ReportedTarget, s: RotationSuccess): Promise<{ notified: boolean }> {
  const message =
    s.message ??
    rotationSucceededMessage({ workflow: target.workflow, target: target.describe(s.targetId), executionName: s.executionName, ...(s.executionArn ? { executionArn: s.executionArn } : {}), facts: s.facts });
  return s.rotation ? notifySlackOnce(deps, s.slackWebhookSecretId, message, s.rotation) : notifySlack(deps, s.slackWebhookSecretId, message);
}

export async function notifyRotationFailed(deps: NotifyDeps, target: ReportedTarget, targetId: string, report: RotationFailureReport): Promise<{ notified: boolean }> {
  return notifySlack(deps, report.slackWebhookSecretId, rotationFailedMessage({ workflow: target.workflow, target: target.describe(targetId), ...report }));
}
