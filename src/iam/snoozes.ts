/**
 * Snoozes from Slack: "Snooze 7 days" on a certificate in the expiry digest mutes it until a date,
 * remembered in a JSON secret beside the threshold memory (`keyturn/state/check-iam-cert-expiry-
 * snoozes`), keyed by the certificate's ARN (unique across the accounts one digest covers). The
 * expiry check reads the snoozes in force and treats those certificates as muted, saying until when
 * and who snoozed them; a snooze past its date is dropped at the next write. Names, ARNs, dates
 * and Slack user ids only.
 */
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import * as z from '../zod';
import type { Log } from '../logger';
import { translateSecretsError } from '../secrets/credential-store';
import { writeStateSecret } from '../secrets/state-secret';
import { slackUserIdField } from '../validation';

export const SNOOZE_SECRET_ID = 'keyturn/state/check-iam-cert-expiry-snoozes';
/** How long one click snoozes a certificate. */
export const SNOOZE_DAYS = 7;

// `by` is a Slack user id, which the digest turns into a mention: anything else makes the document unreadable.
const snoozeSchema = z.object({ name: z.string(), until: z.string(), by: slackUserIdField(), at: z.string() });
const documentSchema = z.object({ version: z.literal(1), snoozes: z.record(z.string(), snoozeSchema) });

export type Snooze = z.output<typeof snoozeSchema>;
/** By certificate ARN. */
export type Snoozes = Record<string, Snooze>;

type SecretsClient = Pick<SecretsManagerClient, 'send'>;

/** Every snooze stored (none when the secret does not exist yet, or holds no document keyturn wrote). */
export async function readSnoozes(secrets: SecretsClient, secretId: string = SNOOZE_SECRET_ID): Promise<Snoozes> {
  let text: string | undefined;
  try {
    text = (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return {};
    throw translateSecretsError(error, secretId);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    return {};
  }
  const document = documentSchema.safeParse(parsed);
  return document.success ? document.data.snoozes : {};
}

/** The snoozes still in force at `now`. */
export function inForce(snoozes: Snoozes, now: Date): Snoozes {
  return Object.fromEntries(Object.entries(snoozes).filter(([, s]) => Date.parse(s.until) > now.getTime()));
}

/**
 * Snoozes a certificate for SNOOZE_DAYS from `now` (again from now, when it already is), dropping
 * the snoozes past their date. Two people snoozing at once: the later write wins and holds both
 * only if it read after the first wrote; each click says what it stored, and a lost one shows in
 * the next digest.
 */
export async function snoozeCertificate(
  secrets: SecretsClient,
  certificate: { arn: string; name: string },
  by: string,
  now: Date,
  log: Log,
  secretId: string = SNOOZE_SECRET_ID,
): Promise<Snooze> {
  const snooze: Snooze = { name: certificate.name, until: new Date(now.getTime() + SNOOZE_DAYS * 86_400_000).toISOString(), by, at: now.toISOString() };
  const snoozes = { ...inForce(await readSnoozes(secrets, secretId), now), [certificate.arn]: snooze };
  // A click at the same moment may have created it first: this one writes over it.
  await writeStateSecret(secrets, secretId, JSON.stringify({ version: 1, snoozes }), {
    description: 'keyturn: expiry-digest snoozes from Slack',
    expect: 'existing',
    tags: [{ Key: 'managed-by', Value: 'keyturn' }],
  });
  log.info('certificate snoozed', { certificateArn: certificate.arn, until: snooze.until, by });
  return snooze;
}
