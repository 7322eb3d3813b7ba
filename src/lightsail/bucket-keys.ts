/**
 * A Lightsail bucket's access keys (at most 2 a bucket). The secret access key comes back from
 * CreateBucketAccessKey only, so `createBucketKey` hands it to its caller and nothing else keeps it.
 */
import {
  CreateBucketAccessKeyCommand,
  DeleteBucketAccessKeyCommand,
  GetBucketAccessKeysCommand,
  NotFoundException,
  type LightsailClient,
} from '@aws-sdk/client-lightsail';
import type { Log } from '../logger';
import { translateLightsailError, type LastUse } from './errors';

export type LightsailApi = Pick<LightsailClient, 'send'>;

/** "You can have a maximum of two access keys per bucket" (Lightsail API reference). */
export const MAX_KEYS_PER_BUCKET = 2;

export interface BucketKey {
  accessKeyId: string;
  status: string;
  createdAt: string;
  /** null when never used (Lightsail answers "N/A" and no date). */
  lastUse: LastUse | null;
}

export async function listBucketKeys(client: LightsailApi, bucketName: string): Promise<BucketKey[]> {
  try {
    const out = await client.send(new GetBucketAccessKeysCommand({ bucketName }));
    return (out.accessKeys ?? []).map((key) => ({
      accessKeyId: key.accessKeyId ?? '',
      status: key.status ?? 'Active',
      createdAt: (key.createdAt ?? new Date(0)).toISOString(),
      lastUse: key.lastUsed?.lastUsedDate
        ? { date: key.lastUsed.lastUsedDate.toISOString(), region: key.lastUsed.region, serviceName: key.lastUsed.serviceName }
        : null,
    }));
  } catch (error) {
    throw translateLightsailError(error, bucketName, 'GetBucketAccessKeys');
  }
}

/** Whether a key shows a use later than `since` (ISO); a never-used key shows none. */
export function usedAfter(key: BucketKey, since: string): boolean {
  return key.lastUse !== null && Date.parse(key.lastUse.date) > Date.parse(since);
}

export interface CreatedKey {
  accessKeyId: string;
  /** Secret material: goes straight into Secrets Manager, never into a log, a result or an error. */
  secretAccessKey: string;
  createdAt: string;
}

export async function createBucketKey(client: LightsailApi, bucketName: string, log: Log): Promise<CreatedKey> {
  try {
    const out = await client.send(new CreateBucketAccessKeyCommand({ bucketName }));
    const accessKeyId = out.accessKey?.accessKeyId;
    const secretAccessKey = out.accessKey?.secretAccessKey;
    if (!accessKeyId || !secretAccessKey) throw new Error('CreateBucketAccessKey returned no access key');
    log.info('bucket access key created', { bucketName, accessKeyId });
    return { accessKeyId, secretAccessKey, createdAt: (out.accessKey?.createdAt ?? new Date()).toISOString() };
  } catch (error) {
    throw translateLightsailError(error, bucketName, 'CreateBucketAccessKey');
  }
}

/** Idempotent: a key that is already gone is reported as such. */
export async function deleteBucketKey(
  client: LightsailApi,
  bucketName: string,
  accessKeyId: string,
  log: Log,
): Promise<'deleted' | 'already-gone'> {
  try {
    await client.send(new DeleteBucketAccessKeyCommand({ bucketName, accessKeyId }));
  } catch (error) {
    // NotFoundException names either the bucket or the key; either way the key is not there.
    if (error instanceof NotFoundException) return 'already-gone';
    throw translateLightsailError(error, bucketName, 'DeleteBucketAccessKey');
  }
  log.info('bucket access key deleted', { bucketName, accessKeyId });
  return 'deleted';
}
