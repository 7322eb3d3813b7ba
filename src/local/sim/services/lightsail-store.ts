/**
 * Lightsail's slice of the simulator state. The S3 probe reads it too: a bucket access key's
 * secret lives here (it is what SigV4 signatures are checked against) and the probe writes
 * the key's lastUsed back, as Lightsail does when a key is used against the bucket.
 */
import { slice, type SimState } from '../state';

export interface BucketRecord {
  name: string;
  bundleId: string;
  arn: string;
  supportCode: string;
  region: string;
  createdAt: number;
  tags: { key: string; value?: string }[];
  objectVersioning: 'Enabled' | 'NeverEnabled';
}

export interface AccessKeyRecord {
  accessKeyId: string;
  /** Kept only to verify signatures; returned by CreateBucketAccessKey and never again. */
  secretAccessKey: string;
  bucketName: string;
  status: 'Active' | 'Inactive';
  createdAt: number;
  lastUsed?: { lastUsedDate: number; region: string; serviceName: string };
}

export interface LightsailState {
  buckets: Record<string, BucketRecord>;
  /** Keyed by accessKeyId (ids are unique across buckets). */
  accessKeys: Record<string, AccessKeyRecord>;
}

export function lightsailState(state: SimState): LightsailState {
  return slice<LightsailState>(state, 'lightsail', () => ({ buckets: {}, accessKeys: {} }));
}

export function keysOfBucket(store: LightsailState, bucketName: string): AccessKeyRecord[] {
  return Object.values(store.accessKeys).filter((k) => k.bucketName === bucketName);
}
