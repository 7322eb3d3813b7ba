/**
 * Secrets Manager's staging labels (aws-facts.md "Secrets Manager"): a label is on one version
 * at a time, and moving AWSCURRENT hands AWSPREVIOUS to the version that had it.
 */
export const AWSCURRENT = 'AWSCURRENT';
export const AWSPREVIOUS = 'AWSPREVIOUS';
/**
 * PutSecretValue: "Secrets Manager keeps 100 of the most recent versions, but it keeps all secret
 * versions created in the last 24 hours." Labelled versions are never removed; of the versions
 * without labels ("deprecated"), the oldest beyond 100 go once they are 24 hours old.
 */
export const MAX_DEPRECATED_VERSIONS = 100;
const KEEP_ALL_FOR_MS = 86_400_000;

export interface SecretVersion {
  versionId: string;
  secretString?: string;
  /** base64, as on the wire. */
  secretBinary?: string;
  stages: string[];
  createdAt: number;
  lastAccessedAt?: number;
}

export interface SecretRecord {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  createdAt: number;
  lastChangedAt: number;
  lastAccessedAt?: number;
  /** Set while the secret is scheduled for deletion. */
  deletedAt?: number;
  /** When a scheduled deletion becomes final. */
  deletionAt?: number;
  tags: { Key: string; Value: string }[];
  /** Oldest first. */
  versions: SecretVersion[];
}

export function findVersion(secret: SecretRecord, versionId: string): SecretVersion | undefined {
  return secret.versions.find((v) => v.versionId === versionId);
}

export function holderOf(secret: SecretRecord, stage: string): SecretVersion | undefined {
  return secret.versions.find((v) => v.stages.includes(stage));
}

/** Puts `stage` on `target`, taking it off whichever version had it. */
export function attachStage(secret: SecretRecord, stage: string, target: SecretVersion): void {
  const previous = holderOf(secret, stage);
  if (previous === target) return;
  if (previous) detachStage(previous, stage);
  target.stages.push(stage);
  if (stage === AWSCURRENT && previous) attachStage(secret, AWSPREVIOUS, previous);
}

export function detachStage(version: SecretVersion, stage: string): void {
  version.stages = version.stages.filter((s) => s !== stage);
}

/** Drops the oldest versions without labels beyond MAX_DEPRECATED_VERSIONS that are older than a day. */
export function pruneDeprecated(secret: SecretRecord, now: number): void {
  const deprecated = secret.versions.filter((v) => v.stages.length === 0);
  const excess = deprecated.length - MAX_DEPRECATED_VERSIONS;
  if (excess <= 0) return;
  const dropped = new Set(deprecated.slice(0, excess).filter((v) => now - v.createdAt >= KEEP_ALL_FOR_MS));
  secret.versions = secret.versions.filter((v) => !dropped.has(v));
}
