/**
 * Errors of the credential store (Secrets Manager). Names are string literals: ASL matches them.
 * Messages carry secret ids and version ids only, never a value.
 */
import { KeyturnError } from '../errors';

/** The secret, or the version asked for, does not exist. */
export class SecretNotFoundError extends KeyturnError {
  override name = 'SecretNotFoundError' as const;
  readonly secretId: string;
  readonly versionId?: string;
  constructor(secretId: string, versionId?: string, options?: { cause?: unknown }) {
    super(versionId ? `secret ${secretId} has no version ${versionId}` : `secret ${secretId} does not exist`, options);
    this.secretId = secretId;
    this.versionId = versionId;
  }
}

/** A stored value is not what this credential store expects (not JSON, or fails its schema). */
export class SecretValueInvalidError extends KeyturnError {
  override name = 'SecretValueInvalidError' as const;
  readonly secretId: string;
  readonly versionId: string;
  constructor(secretId: string, versionId: string, rule: string, options?: { cause?: unknown }) {
    super(`secret ${secretId} version ${versionId}: ${rule}`, options);
    this.secretId = secretId;
    this.versionId = versionId;
  }
}
