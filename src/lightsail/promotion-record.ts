/**
 * When AWSCURRENT last moved, kept on the secret as two tags. Secrets Manager records no time for a
 * label move, and the old key may be deleted only if its lastUsed is not later than the promotion
 * (days later, possibly in a rerun after a crash): the time has to outlive the execution.
 */
import { DescribeSecretCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import type { Log } from '../logger';
import { translateSecretsError, type SecretsClient } from '../secrets/credential-store';

const VERSION_TAG = 'keyturn:promoted-version';
const AT_TAG = 'keyturn:promoted-at';

export interface PromotionRecord {
  versionId: string;
  promotedAt: string;
}

export async function readPromotionRecord(client: SecretsClient, secretId: string): Promise<PromotionRecord | undefined> {
  let tags: { Key?: string; Value?: string }[];
  try {
    tags = (await client.send(new DescribeSecretCommand({ SecretId: secretId }))).Tags ?? [];
  } catch (error) {
    throw translateSecretsError(error, secretId);
  }
  return promotionRecordIn(Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value ?? ''])));
}

/** The record from tags already read (DescribeSecret returns them with the labels): no call. */
export function promotionRecordIn(tags: Record<string, string>): PromotionRecord | undefined {
  const versionId = tags[VERSION_TAG];
  const promotedAt = tags[AT_TAG];
  return versionId && promotedAt && !Number.isNaN(Date.parse(promotedAt)) ? { versionId, promotedAt } : undefined;
}

/** Written just before the label moves, so the recorded time is never later than the move. */
export async function writePromotionRecord(client: SecretsClient, secretId: string, record: PromotionRecord, log: Log): Promise<void> {
  try {
    await client.send(
      new TagResourceCommand({
        SecretId: secretId,
        Tags: [
          { Key: VERSION_TAG, Value: record.versionId },
          { Key: AT_TAG, Value: record.promotedAt },
        ],
      }),
    );
  } catch (error) {
    throw translateSecretsError(error, secretId);
  }
  log.info('promotion recorded', { secretId, versionId: record.versionId, promotedAt: record.promotedAt });
}
