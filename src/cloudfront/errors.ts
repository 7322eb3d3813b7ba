/**
 * CloudFront errors keyturn throws. Names are string literals (ASL matches them); messages carry
 * ids only. SDK exceptions are translated here, where CloudFront is called, and nowhere else.
 */
import { InputTargetError, KeyturnError, TransientAwsError } from '../errors';

/** The key group does not exist (CloudFront answers NoSuchResource: there is no NoSuchKeyGroup). */
export class KeyGroupNotFoundError extends InputTargetError {
  override name = 'KeyGroupNotFoundError' as const;
  readonly keyGroupId: string;
  constructor(keyGroupId: string, options?: { cause?: unknown }) {
    super('keyGroupId', `key group ${keyGroupId} does not exist`, options);
    this.keyGroupId = keyGroupId;
  }
}

/** Every If-Match attempt lost to a concurrent writer; the state machine may retry the step. */
export class KeyGroupUpdateConflictError extends KeyturnError {
  override name = 'KeyGroupUpdateConflictError' as const;
  readonly keyGroupId: string;
  readonly attempts: number;
  constructor(keyGroupId: string, attempts: number, options?: { cause?: unknown }) {
    super(`key group ${keyGroupId} changed under us on each of ${attempts} attempts`, options);
    this.keyGroupId = keyGroupId;
    this.attempts = attempts;
  }
}

/** A public key with our deterministic name exists but holds another key: never adopt it. */
export class PublicKeyMismatchError extends KeyturnError {
  override name = 'PublicKeyMismatchError' as const;
}

/** A URL signed with the new key did not verify against the key group. */
export class SignedUrlRejectedError extends KeyturnError {
  override name = 'SignedUrlRejectedError' as const;
  readonly keyGroupId: string;
  readonly publicKeyId: string;
  constructor(keyGroupId: string, publicKeyId: string, reason: string) {
    super(`a URL signed with ${publicKeyId} was rejected for key group ${keyGroupId}: ${reason}`);
    this.keyGroupId = keyGroupId;
    this.publicKeyId = publicKeyId;
  }
}

/** Throttling and 5xx left over after the SDK's own retries become TransientAwsError. */
export function translateTransient(error: unknown, what: string): unknown {
  const name = (error as { name?: string })?.name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 0;
  if (/Throttl|TooManyRequests|ServiceUnavailable|InternalFailure|InternalError/.test(name) || status >= 500) {
    return new TransientAwsError(`cloudfront: ${name} during ${what}`, { cause: error });
  }
  return error;
}
