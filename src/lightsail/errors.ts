/**
 * Lightsail bucket-key errors keyturn throws. Names are string literals (ASL matches them);
 * messages carry bucket names, access key ids and dates only, never a secret access key.
 * SDK exceptions are translated here, where Lightsail and S3 are called, and nowhere else.
 */
import { NotFoundException } from '@aws-sdk/client-lightsail';
import { InputTargetError, KeyturnError, TransientAwsError } from '../errors';

/** Where and when an access key was last used, as GetBucketAccessKeys reports it. */
export interface LastUse {
  date: string;
  region?: string;
  serviceName?: string;
}

export function describeLastUse(lastUse: LastUse | null): string {
  if (!lastUse) return 'never used';
  const where = [lastUse.serviceName, lastUse.region].filter((p) => p && p !== 'N/A').join(' in ');
  return `last used ${lastUse.date}${where ? ` (${where})` : ''}`;
}

export class BucketNotFoundError extends InputTargetError {
  override name = 'BucketNotFoundError' as const;
  readonly bucketName: string;
  constructor(bucketName: string, options?: { cause?: unknown }) {
    super('bucketName', `Lightsail bucket ${bucketName} does not exist in this region`, options);
    this.bucketName = bucketName;
  }
}

/**
 * The bucket already holds two keys and the one that is not AWSCURRENT may still be in use:
 * nothing was changed. An operator checks who uses it and deletes it by hand.
 */
export class SpareKeyInUseError extends KeyturnError {
  override name = 'SpareKeyInUseError' as const;
  readonly bucketName: string;
  readonly accessKeyId: string;
  readonly lastUse: LastUse | null;
  constructor(bucketName: string, accessKeyId: string, lastUse: LastUse | null, why: string) {
    super(
      `bucket ${bucketName} already has 2 access keys; ${accessKeyId} is not the current key but ${why} ` +
        `(${describeLastUse(lastUse)}): make sure nothing uses it, delete it, then rotate again`,
    );
    this.bucketName = bucketName;
    this.accessKeyId = accessKeyId;
    this.lastUse = lastUse;
  }
}

/** S3 refused a request signed with the new key (bad signature, wrong bucket). Not retried. */
export class AccessKeyRejectedError extends KeyturnError {
  override name = 'AccessKeyRejectedError' as const;
  readonly bucketName: string;
  readonly accessKeyId: string;
  constructor(bucketName: string, accessKeyId: string, reason: string, options?: { cause?: unknown }) {
    super(`a request to bucket ${bucketName} signed with ${accessKeyId} was refused: ${reason}`, options);
    this.bucketName = bucketName;
    this.accessKeyId = accessKeyId;
  }
}

/** S3 does not know the key yet (InvalidAccessKeyId): new keys can take a moment to propagate; retried. */
export class AccessKeyNotYetValidError extends KeyturnError {
  override name = 'AccessKeyNotYetValidError' as const;
}

/**
 * The new key's secret could not be stored, and deleting the key failed too: the key is an
 * orphan that nobody can use. Its id is in the message so the failure report names it.
 */
export class OrphanedAccessKeyError extends KeyturnError {
  override name = 'OrphanedAccessKeyError' as const;
  readonly bucketName: string;
  readonly accessKeyId: string;
  constructor(bucketName: string, accessKeyId: string, options?: { cause?: unknown }) {
    super(`storing the secret of new key ${accessKeyId} failed and deleting the key failed too: delete ${accessKeyId} from bucket ${bucketName} by hand`, options);
    this.bucketName = bucketName;
    this.accessKeyId = accessKeyId;
  }
}

/** Lightsail errors: NotFoundException → BucketNotFoundError; throttling and 5xx → TransientAwsError. */
export function translateLightsailError(error: unknown, bucketName: string, what: string): unknown {
  if (error instanceof NotFoundException) return new BucketNotFoundError(bucketName, { cause: error });
  const name = (error as { name?: string })?.name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 0;
  if (/Throttl|TooManyRequests|ServiceException|ServiceUnavailable|InternalFailure/.test(name) || status >= 500) {
    return new TransientAwsError(`lightsail: ${name} during ${what} on ${bucketName}`, { cause: error });
  }
  return error;
}
