/**
 * Where a rotation waiting for approval keeps its task token (src/rotation/approval.ts asks; the
 * Slack endpoint, src/interactivity/approve.ts, answers): one secret per waiting execution,
 * `keyturn/approvals/<hash of the execution>`. A token answers the Task, so it is kept as a
 * secret, never put in a message, a log or the state. A module of its own: the undo and the
 * endpoint bundle it without the Slack message builder.
 */
import { createHash } from 'node:crypto';
import { DeleteSecretCommand, GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import * as z from '../zod';
import type { Log } from '../logger';
import { translateSecretsError, type SecretsClient } from '../secrets/credential-store';
import { writeStateSecret } from '../secrets/state-secret';
import { slackUserIdField, targetNameField } from '../validation';
import type { ApprovalConfig } from './config';

/** Where pending approvals' task tokens are kept: one secret per waiting execution. */
export const APPROVALS_PREFIX = 'keyturn/approvals/';

export const APPROVAL_GATES = ['start', 'retire'] as const;
export type ApprovalGate = (typeof APPROVAL_GATES)[number];

/** The secret of `executionArn`'s pending approval: a hash, so the name says nothing and fits any execution ARN. */
export function approvalSecretName(executionArn: string): string {
  return `${APPROVALS_PREFIX}${createHash('sha256').update(executionArn).digest('hex').slice(0, 40)}`;
}

/** What a pending approval's secret holds. */
export const pendingApprovalSchema = z.strictObject({
  taskToken: z.string().check(z.minLength(1), z.maxLength(2048)),
  executionArn: z.string(),
  gate: z.enum(APPROVAL_GATES),
  target: z.optional(targetNameField()),
  /** The credential in a sentence: "key group K2ABC". */
  subject: z.string(),
  approvers: z.array(slackUserIdField()).check(z.minLength(1)),
  requestedBy: z.optional(slackUserIdField()),
  expiresAt: z.iso.datetime(),
});

export type PendingApproval = z.output<typeof pendingApprovalSchema>;

/** Creates the approval's secret, or (a retried Task: a new token) replaces its value. */
export async function keepPendingApproval(secrets: SecretsClient, pending: PendingApproval): Promise<void> {
  await writeStateSecret(secrets, approvalSecretName(pending.executionArn), JSON.stringify(pending), {
    description: `keyturn: a rotation waiting for approval (${pending.gate})`,
    expect: 'new',
  });
}

/**
 * Deletes an approval's secret at once (no recovery window: the token answers nothing any more);
 * whether there was one to delete.
 */
export async function discardPendingApproval(secrets: SecretsClient, executionArn: string): Promise<boolean> {
  const name = approvalSecretName(executionArn);
  try {
    await secrets.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw translateSecretsError(error, name);
  }
}

/**
 * The undo's part: a request nobody answered (the Task timed out, or failed) is withdrawn, so no
 * token is left behind. Nothing (no call) when the target has no approval.
 */
export async function withdrawApproval(
  deps: { secrets: SecretsClient; log: Log },
  event: { config: { approval?: ApprovalConfig | undefined }; executionArn?: string | undefined },
): Promise<string | undefined> {
  if (!event.config.approval || !event.executionArn) return undefined;
  const withdrawn = await discardPendingApproval(deps.secrets, event.executionArn);
  if (withdrawn) deps.log.info('approval request withdrawn');
  return withdrawn ? 'the unanswered approval request was withdrawn' : undefined;
}

/** The pending approval of `executionArn`, or undefined when there is none (answered, withdrawn, or never asked). */
export async function readPendingApproval(secrets: SecretsClient, executionArn: string): Promise<PendingApproval | undefined> {
  const name = approvalSecretName(executionArn);
  let text: string | undefined;
  try {
    text = (await secrets.send(new GetSecretValueCommand({ SecretId: name }))).SecretString;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw translateSecretsError(error, name);
  }
  const parsed = pendingApprovalSchema.safeParse(JSON.parse(text ?? 'null'));
  // Written only by keyturn's Ask approval steps: anything else there is not an approval to act on.
  return parsed.success && parsed.data.executionArn === executionArn ? parsed.data : undefined;
}
