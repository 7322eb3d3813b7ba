/**
 * The "test" step: one signed S3 request (ListObjectsV2, at most one key) against the bucket with
 * the new access key. Lightsail buckets are S3 buckets; the client (src/aws/clients.ts) resolves
 * the endpoint: the bucket's own S3 endpoint on AWS, the simulator's S3 probe locally.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { TransientAwsError } from '../errors';
import { AccessKeyNotYetValidError, AccessKeyRejectedError } from './errors';

export type S3ClientFor = (options: { region: string; credentials: { accessKeyId: string; secretAccessKey: string } }) => Pick<S3Client, 'send' | 'destroy'>;

export async function probeBucketAccess(
  s3For: S3ClientFor,
  key: { bucketName: string; region: string; accessKeyId: string; secretAccessKey: string },
): Promise<{ status: number }> {
  const client = s3For({ region: key.region, credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
  try {
    const out = await client.send(new ListObjectsV2Command({ Bucket: key.bucketName, MaxKeys: 1 }));
    return { status: out.$metadata.httpStatusCode ?? 200 };
  } catch (error) {
    const name = (error as { name?: string })?.name ?? 'Error';
    const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 0;
    if (name === 'InvalidAccessKeyId') {
      throw new AccessKeyNotYetValidError(`S3 does not know access key ${key.accessKeyId} yet (InvalidAccessKeyId)`, { cause: error });
    }
    if (/SlowDown|Throttl|ServiceUnavailable|InternalError/.test(name) || status >= 500) {
      throw new TransientAwsError(`s3: ${name} while testing access key ${key.accessKeyId}`, { cause: error });
    }
    throw new AccessKeyRejectedError(key.bucketName, key.accessKeyId, `${name} (HTTP ${status || 'unknown'})`, { cause: error });
  } finally {
    client.destroy();
  }
}
