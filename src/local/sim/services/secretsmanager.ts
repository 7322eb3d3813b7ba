/**
 * Secrets Manager (awsJson1_1, `X-Amz-Target: secretsmanager.<Op>`), per aws-facts.md
 * "Secrets Manager": versions, staging labels, idempotent ClientRequestTokens, scheduled
 * deletion. Label rules live in secretsmanager-versions.ts.
 *
 * Constraint violations of the API model (lengths, required members) are answered as the
 * service framework does, with ValidationException and a "1 validation error detected" message;
 * rule violations the service itself checks use InvalidParameterException / InvalidRequestException.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { awsJson, epochSeconds, readJsonInput, renderAwsJsonError, routeByTarget, type JsonInput } from '../aws-json';
import { AwsError, type ServiceModule, type SimContext, type SimResponse } from '../protocol';
import { slice } from '../state';
import {
  AWSCURRENT,
  attachStage,
  detachStage,
  findVersion,
  holderOf,
  pruneDeprecated,
  type SecretRecord,
  type SecretVersion,
} from './secretsmanager-versions';

const TARGET_PREFIX = 'secretsmanager.';
const OPERATIONS = new Set([
  'CreateSecret',
  'DescribeSecret',
  'GetSecretValue',
  'PutSecretValue',
  'UpdateSecretVersionStage',
  'ListSecretVersionIds',
  'DeleteSecret',
  'RestoreSecret',
  'TagResource',
  'UntagResource',
  'ListSecrets',
]);
const MAX_VALUE_BYTES = 65_536;
const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const DAY_MS = 86_400_000;
const MAX_STAGES_PER_VERSION = 20;
const KMS_KEY_ID = '(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
const KMS_ALIAS = 'alias/[A-Za-z0-9/_-]{1,250}';
const KMS_ARN = 'arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:';
const KMS_KEY_REFERENCE = new RegExp(`^(?:${KMS_KEY_ID}|${KMS_ALIAS}|${KMS_ARN}key/${KMS_KEY_ID}|${KMS_ARN}${KMS_ALIAS})$`);

interface SecretsState {
  /** Keyed by ARN. */
  secrets: Record<string, SecretRecord>;
}

type Input = JsonInput;

/** A response in awsJson1_1. */
const respond = (status: number, value: unknown): SimResponse => awsJson('1.1', status, value);

export const secretsmanager: ServiceModule = {
  service: 'secretsmanager',
  ...routeByTarget(TARGET_PREFIX, OPERATIONS),
  resourceOf(_operation, req, ctx) {
    const input = readJsonInput(req);
    const id = typeof input.SecretId === 'string' ? input.SecretId : typeof input.Name === 'string' ? input.Name : undefined;
    if (id === undefined) return undefined;
    const secrets = Object.values(store(ctx).secrets);
    const found = id.startsWith('arn:') ? secrets.find((s) => s.arn === id || s.arn.slice(0, -7) === id) : secrets.find((s) => s.name === id);
    // Not found: the ARN IAM sees for a name has an unknown suffix; `-??????` matches it in policies.
    return found?.arn ?? (id.startsWith('arn:') ? id : `arn:aws:secretsmanager:${ctx.state.region}:${ctx.state.accountId}:secret:${id}-??????`);
  },
  handle(operation, req, ctx) {
    const input = readJsonInput(req);
    purgeExpiredDeletions(ctx);
    switch (operation) {
      case 'CreateSecret':
        return createSecret(input, ctx);
      case 'DescribeSecret':
        return describeSecret(input, ctx);
      case 'GetSecretValue':
        return getSecretValue(input, ctx);
      case 'PutSecretValue':
        return putSecretValue(input, ctx);
      case 'UpdateSecretVersionStage':
        return updateSecretVersionStage(input, ctx);
      case 'ListSecretVersionIds':
        return listSecretVersionIds(input, ctx);
      case 'DeleteSecret':
        return deleteSecret(input, ctx);
      case 'RestoreSecret':
        return restoreSecret(input, ctx);
      case 'TagResource':
        return tagResource(input, ctx);
      case 'UntagResource':
        return untagResource(input, ctx);
      case 'ListSecrets':
        return listSecrets(input, ctx);
      default:
        throw new AwsError('UnknownOperationException', 400, `operation ${operation} is not simulated`);
    }
  },
  renderError: (error) => renderAwsJsonError('1.1', error),
  // The SDK retries ThrottlingException (a 400) as throttling.
  throttlingError: () => new AwsError('ThrottlingException', 400, 'Rate exceeded'),
};

// ---------------------------------------------------------------------------------------------
// Operations

function createSecret(input: Input, ctx: SimContext): SimResponse {
  const name = requiredString(input, 'Name', 1, 512);
  if (!NAME.test(name)) {
    throw invalidParameter('Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
  }
  const description = optionalString(input, 'Description', 0, 2048);
  const kmsKeyId = optionalString(input, 'KmsKeyId', 0, 2048);
  // KmsKeyId: "The ARN, key ID, or alias of the KMS key that Secrets Manager uses to encrypt the
  // secret value in the secret. An alias is always prefixed by alias/". Anything else is refused;
  // the documentation is silent on the error, so the stricter reading: InvalidParameterException.
  if (kmsKeyId !== undefined && !KMS_KEY_REFERENCE.test(kmsKeyId)) {
    throw invalidParameter('The KmsKeyId must be the ARN, key ID, or alias (alias/…) of a KMS key.');
  }
  const tags = parseTags(input.Tags);
  const value = secretValueOf(input, false);
  const token = tokenOf(input);

  const existing = Object.values(store(ctx).secrets).find((s) => s.name === name);
  if (existing?.deletedAt !== undefined) {
    throw invalidRequest('You can\'t create this secret because a secret with this name is already scheduled for deletion.');
  }
  if (existing) {
    // CreateSecret's ClientRequestToken: "If a version with this value already exists and the
    // version SecretString and SecretBinary values are the same as those in the request, then the
    // request is ignored." A retry without a value names no version: the documentation is silent,
    // so the stricter reading holds and the name is taken, as for any other CreateSecret.
    const retried = value && input.ClientRequestToken !== undefined ? findVersion(existing, token) : undefined;
    if (retried && retried.secretString === value?.secretString && retried.secretBinary === value?.secretBinary) {
      return respond(200, { ARN: existing.arn, Name: existing.name, VersionId: retried.versionId });
    }
    throw new AwsError('ResourceExistsException', 400, `The operation failed because the secret ${name} already exists.`);
  }

  const now = ctx.now();
  const secret: SecretRecord = {
    arn: `arn:aws:secretsmanager:${ctx.state.region}:${ctx.state.accountId}:secret:${name}-${randomSuffix()}`,
    name,
    ...(description !== undefined ? { description } : {}),
    ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
    createdAt: now,
    lastChangedAt: now,
    tags,
    versions: [],
  };
  let versionId: string | undefined;
  if (value) {
    const version: SecretVersion = { versionId: token, ...value, stages: [], createdAt: now };
    secret.versions.push(version);
    attachStage(secret, AWSCURRENT, version);
    versionId = version.versionId;
  }
  store(ctx).secrets[secret.arn] = secret;
  return respond(200, { ARN: secret.arn, Name: secret.name, ...(versionId ? { VersionId: versionId } : {}) });
}

function describeSecret(input: Input, ctx: SimContext): SimResponse {
  const secret = resolve(input, ctx);
  return respond(200, {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description !== undefined ? { Description: secret.description } : {}),
    ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
    RotationEnabled: false,
    LastChangedDate: epochSeconds(secret.lastChangedAt),
    ...(secret.lastAccessedAt !== undefined ? { LastAccessedDate: epochSeconds(secret.lastAccessedAt) } : {}),
    ...(secret.deletedAt !== undefined ? { DeletedDate: epochSeconds(secret.deletedAt) } : {}),
    // "Secrets Manager only returns fields that have a value in the response": no tags, no versions, no field.
    ...(secret.tags.length > 0 ? { Tags: secret.tags } : {}),
    ...(secret.versions.some((v) => v.stages.length > 0) ? { VersionIdsToStages: stagesMap(secret) } : {}),
    CreatedDate: epochSeconds(secret.createdAt),
  });
}

function getSecretValue(input: Input, ctx: SimContext): SimResponse {
  const secret = resolveLive(input, ctx);
  const versionId = optionalString(input, 'VersionId', 32, 64);
  const versionStage = optionalString(input, 'VersionStage', 1, 256);
  const version = selectVersion(secret, versionId, versionStage ?? (versionId ? undefined : AWSCURRENT));
  // AWS records access by day only.
  const today = Math.floor(ctx.now() / DAY_MS) * DAY_MS;
  if (version.lastAccessedAt !== today || secret.lastAccessedAt !== today) {
    version.lastAccessedAt = today;
    secret.lastAccessedAt = today;
    ctx.persist(); // reads are not persisted by the server
  }
  return respond(200, {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    ...(version.secretString !== undefined ? { SecretString: version.secretString } : {}),
    ...(version.secretBinary !== undefined ? { SecretBinary: version.secretBinary } : {}),
    VersionStages: [...version.stages],
    CreatedDate: epochSeconds(version.createdAt),
  });
}

function putSecretValue(input: Input, ctx: SimContext): SimResponse {
  const secret = resolveLive(input, ctx);
  const token = tokenOf(input);
  const value = secretValueOf(input, true);
  const stages = stagesOf(input.VersionStages) ?? [AWSCURRENT];

  const existing = findVersion(secret, token);
  if (existing) {
    // Same token, same value: the retry of a call that already succeeded; changes nothing.
    if (existing.secretString === value.secretString && existing.secretBinary === value.secretBinary) {
      return respond(200, { ARN: secret.arn, Name: secret.name, VersionId: existing.versionId, VersionStages: [...existing.stages] });
    }
    throw new AwsError('ResourceExistsException', 400, 'You can\'t modify an existing version, you can only create a new version.');
  }

  const now = ctx.now();
  const version: SecretVersion = { versionId: token, ...value, stages: [], createdAt: now };
  // "If this operation creates the first version for the secret, then Secrets Manager
  // automatically attaches the staging label AWSCURRENT to it", whatever VersionStages says.
  const first = secret.versions.length === 0;
  secret.versions.push(version);
  for (const stage of stages) attachStage(secret, stage, version);
  if (first) attachStage(secret, AWSCURRENT, version);
  secret.lastChangedAt = now;
  pruneDeprecated(secret, now);
  return respond(200, { ARN: secret.arn, Name: secret.name, VersionId: version.versionId, VersionStages: [...version.stages] });
}

function updateSecretVersionStage(input: Input, ctx: SimContext): SimResponse {
  const secret = resolveLive(input, ctx);
  const stage = requiredString(input, 'VersionStage', 1, 256);
  const moveTo = optionalString(input, 'MoveToVersionId', 32, 64);
  const removeFrom = optionalString(input, 'RemoveFromVersionId', 32, 64);
  if (moveTo === undefined && removeFrom === undefined) {
    throw invalidParameter('You must specify MoveToVersionId, RemoveFromVersionId, or both.');
  }
  const holder = holderOf(secret, stage);
  if (removeFrom !== undefined) {
    if (!findVersion(secret, removeFrom)) throw versionNotFound(`VersionId: ${removeFrom}`);
    if (holder?.versionId !== removeFrom) {
      throw invalidParameter(`The parameter RemoveFromVersionId doesn't match the current version that has the label ${stage}.`);
    }
  }
  if (moveTo !== undefined) {
    const target = findVersion(secret, moveTo);
    if (!target) throw versionNotFound(`VersionId: ${moveTo}`);
    // Moving a label off a version must be explicit: name the version that holds it now.
    if (holder && holder !== target && removeFrom !== holder.versionId) {
      throw invalidParameter(
        `The staging label ${stage} is currently attached to version ${holder.versionId}, so you must explicitly reference that version in RemoveFromVersionId.`,
      );
    }
    if (!target.stages.includes(stage) && target.stages.length >= MAX_STAGES_PER_VERSION) {
      throw new AwsError('LimitExceededException', 400, `A version can have at most ${MAX_STAGES_PER_VERSION} staging labels.`);
    }
    attachStage(secret, stage, target);
  } else if (holder) {
    // Every secret with a value keeps a current version: AWSCURRENT can only be moved.
    if (stage === AWSCURRENT) throw invalidParameter('You can\'t remove the staging label AWSCURRENT; move it to another version instead.');
    detachStage(holder, stage);
  }
  secret.lastChangedAt = ctx.now();
  pruneDeprecated(secret, ctx.now());
  return respond(200, { ARN: secret.arn, Name: secret.name });
}

function listSecretVersionIds(input: Input, ctx: SimContext): SimResponse {
  const secret = resolve(input, ctx);
  const includeDeprecated = input.IncludeDeprecated === true;
  const versions = secret.versions.filter((v) => includeDeprecated || v.stages.length > 0);
  const page = paginate(versions, input);
  return respond(200, {
    Versions: page.items.map((v) => ({
      VersionId: v.versionId,
      VersionStages: [...v.stages],
      ...(v.lastAccessedAt !== undefined ? { LastAccessedDate: epochSeconds(v.lastAccessedAt) } : {}),
      CreatedDate: epochSeconds(v.createdAt),
      KmsKeyIds: [secret.kmsKeyId ?? 'DefaultEncryptionKey'],
    })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    ARN: secret.arn,
    Name: secret.name,
  });
}

function deleteSecret(input: Input, ctx: SimContext): SimResponse {
  const force = input.ForceDeleteWithoutRecovery === true;
  const window = input.RecoveryWindowInDays;
  const secret = resolveIfAny(input, ctx);
  if (force && window !== undefined) {
    throw invalidParameter('You can\'t use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.');
  }
  if (window !== undefined && (typeof window !== 'number' || !Number.isInteger(window) || window < 7 || window > 30)) {
    throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
  }
  const now = ctx.now();
  if (force) {
    // "If you forcibly delete an already deleted or nonexistent secret, the operation does not
    // return ResourceNotFoundException." What it returns instead is undocumented: the id as given.
    if (!secret) {
      const id = String(input.SecretId);
      return respond(200, { ...(id.startsWith('arn:') ? { ARN: id } : { Name: id }), DeletionDate: epochSeconds(now) });
    }
    delete store(ctx).secrets[secret.arn];
    return respond(200, { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(now) });
  }
  if (!secret) throw new AwsError('ResourceNotFoundException', 400, 'Secrets Manager can\'t find the specified secret.');
  if (secret.deletedAt !== undefined) {
    throw invalidRequest('You can\'t perform this operation on the secret because it was already scheduled for deletion.');
  }
  secret.deletedAt = now;
  secret.deletionAt = now + (window ?? 30) * DAY_MS;
  return respond(200, { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(secret.deletionAt) });
}

function restoreSecret(input: Input, ctx: SimContext): SimResponse {
  const secret = resolve(input, ctx);
  delete secret.deletedAt;
  delete secret.deletionAt;
  return respond(200, { ARN: secret.arn, Name: secret.name });
}

function tagResource(input: Input, ctx: SimContext): SimResponse {
  const secret = resolveLive(input, ctx);
  if (input.Tags === undefined) throw validation('tags', 'Member must not be null', null);
  for (const tag of parseTags(input.Tags)) {
    secret.tags = secret.tags.filter((t) => t.Key !== tag.Key);
    secret.tags.push(tag);
  }
  if (secret.tags.length > 50) throw validation('tags', 'Member must have length less than or equal to 50', '[...]');
  return respond(200, {});
}

function untagResource(input: Input, ctx: SimContext): SimResponse {
  const secret = resolveLive(input, ctx);
  const keys = input.TagKeys;
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) throw validation('tagKeys', 'Member must not be null', null);
  secret.tags = secret.tags.filter((t) => !keys.includes(t.Key));
  return respond(200, {});
}

function listSecrets(input: Input, ctx: SimContext): SimResponse {
  const includeDeleted = input.IncludePlannedDeletion === true;
  const filters = parseFilters(input.Filters);
  const secrets = Object.values(store(ctx).secrets)
    .filter((s) => includeDeleted || s.deletedAt === undefined)
    .filter((s) => filters.every((f) => matchesFilter(s, f)))
    .sort((a, b) => (input.SortOrder === 'asc' ? a.createdAt - b.createdAt : b.createdAt - a.createdAt));
  const page = paginate(secrets, input);
  return respond(200, {
    SecretList: page.items.map((s) => ({
      ARN: s.arn,
      Name: s.name,
      ...(s.description !== undefined ? { Description: s.description } : {}),
      ...(s.kmsKeyId !== undefined ? { KmsKeyId: s.kmsKeyId } : {}),
      RotationEnabled: false,
      LastChangedDate: epochSeconds(s.lastChangedAt),
      ...(s.lastAccessedAt !== undefined ? { LastAccessedDate: epochSeconds(s.lastAccessedAt) } : {}),
      ...(s.deletedAt !== undefined ? { DeletedDate: epochSeconds(s.deletedAt) } : {}),
      ...(s.tags.length > 0 ? { Tags: s.tags } : {}),
      ...(s.versions.some((v) => v.stages.length > 0) ? { SecretVersionsToStages: stagesMap(s) } : {}),
      CreatedDate: epochSeconds(s.createdAt),
    })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// Lookups

function store(ctx: SimContext): SecretsState {
  return slice<SecretsState>(ctx.state, 'secretsmanager', () => ({ secrets: {} }));
}

/** A scheduled deletion becomes final once its recovery window has passed (on the sim clock). */
function purgeExpiredDeletions(ctx: SimContext): void {
  const secrets = store(ctx).secrets;
  const now = ctx.now();
  for (const [arn, secret] of Object.entries(secrets)) {
    if (secret.deletionAt !== undefined && secret.deletionAt <= now) delete secrets[arn];
  }
}

/** SecretId is a name, a full ARN, or an ARN without the 6-character suffix. */
function resolve(input: Input, ctx: SimContext): SecretRecord {
  const secret = resolveIfAny(input, ctx);
  if (!secret) throw new AwsError('ResourceNotFoundException', 400, 'Secrets Manager can\'t find the specified secret.');
  return secret;
}

function resolveIfAny(input: Input, ctx: SimContext): SecretRecord | undefined {
  const id = requiredString(input, 'SecretId', 1, 2048);
  const secrets = Object.values(store(ctx).secrets);
  return id.startsWith('arn:') ? secrets.find((s) => s.arn === id || s.arn.slice(0, -7) === id) : secrets.find((s) => s.name === id);
}

/** As resolve, for operations a secret scheduled for deletion refuses. */
function resolveLive(input: Input, ctx: SimContext): SecretRecord {
  const secret = resolve(input, ctx);
  if (secret.deletedAt !== undefined) {
    throw invalidRequest('You can\'t perform this operation on the secret because it was marked for deletion.');
  }
  return secret;
}

function selectVersion(secret: SecretRecord, versionId: string | undefined, stage: string | undefined): SecretVersion {
  if (versionId !== undefined) {
    const version = findVersion(secret, versionId);
    if (!version || (stage !== undefined && !version.stages.includes(stage))) {
      throw versionNotFound(stage !== undefined ? `VersionId: ${versionId} and staging label: ${stage}` : `VersionId: ${versionId}`);
    }
    return version;
  }
  const version = stage !== undefined ? holderOf(secret, stage) : undefined;
  if (!version) throw versionNotFound(`staging label: ${stage ?? AWSCURRENT}`);
  return version;
}

function stagesMap(secret: SecretRecord): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const v of secret.versions) if (v.stages.length > 0) map[v.versionId] = [...v.stages];
  return map;
}

// ---------------------------------------------------------------------------------------------
// Input

function tokenOf(input: Input): string {
  // The SDK fills ClientRequestToken with a UUID when the caller leaves it out; raw callers must send one.
  return optionalString(input, 'ClientRequestToken', 32, 64) ?? randomUUID();
}

type SecretValue = { secretString?: string; secretBinary?: string };
function secretValueOf(input: Input, required: true): SecretValue;
function secretValueOf(input: Input, required: false): SecretValue | undefined;
function secretValueOf(input: Input, required: boolean): SecretValue | undefined {
  const secretString = input.SecretString;
  const secretBinary = input.SecretBinary;
  if (secretString !== undefined && secretBinary !== undefined) {
    throw invalidParameter('You can\'t specify both a binary secret value and a string secret value in the same secret.');
  }
  if (secretString === undefined && secretBinary === undefined) {
    if (required) throw invalidParameter('You must provide either SecretString or SecretBinary.');
    return undefined;
  }
  if (secretString !== undefined) {
    if (typeof secretString !== 'string') throw new AwsError('SerializationException', 400, 'SecretString must be a string.');
    if (Buffer.byteLength(secretString, 'utf8') > MAX_VALUE_BYTES) throw tooLarge();
    return { secretString };
  }
  if (typeof secretBinary !== 'string') throw new AwsError('SerializationException', 400, 'SecretBinary must be base64.');
  if (Buffer.from(secretBinary, 'base64').length > MAX_VALUE_BYTES) throw tooLarge();
  return { secretBinary };
}

function stagesOf(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string' || s.length < 1 || s.length > 256)) {
    throw validation('versionStages', 'Member must satisfy constraint: [Member must have length between 1 and 256]', '[...]');
  }
  if (value.length > MAX_STAGES_PER_VERSION) {
    throw validation('versionStages', `Member must have length less than or equal to ${MAX_STAGES_PER_VERSION}`, '[...]');
  }
  return [...new Set(value as string[])];
}

function parseTags(value: unknown): SecretRecord['tags'] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new AwsError('SerializationException', 400, 'Tags must be a list.');
  if (value.length > 50) throw validation('tags', 'Member must have length less than or equal to 50', '[...]');
  return value.map((tag: unknown) => {
    const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof Key !== 'string' || Key.length < 1 || Key.length > 128) {
      throw validation('tags.member.key', 'Member must have length between 1 and 128', Key ?? null);
    }
    if (typeof Value !== 'string' || Value.length > 256) {
      throw validation('tags.member.value', 'Member must have length less than or equal to 256', Value ?? null);
    }
    return { Key, Value };
  });
}

interface Filter {
  key: string;
  values: string[];
}

function parseFilters(value: unknown): Filter[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new AwsError('SerializationException', 400, 'Filters must be a list.');
  return value.map((f: unknown) => {
    const { Key, Values } = (f ?? {}) as { Key?: unknown; Values?: unknown };
    if (!['name', 'description', 'tag-key', 'tag-value', 'all'].includes(String(Key))) {
      throw invalidParameter(`Filter key ${String(Key)} is not simulated (name, description, tag-key, tag-value, all).`);
    }
    if (!Array.isArray(Values) || Values.some((v) => typeof v !== 'string')) throw invalidParameter('Filter Values must be strings.');
    return { key: String(Key), values: Values as string[] };
  });
}

/** Prefix match, as ListSecrets filters do. */
function matchesFilter(secret: SecretRecord, filter: Filter): boolean {
  const fields: Record<string, string[]> = {
    name: [secret.name],
    description: secret.description ? [secret.description] : [],
    'tag-key': secret.tags.map((t) => t.Key),
    'tag-value': secret.tags.map((t) => t.Value),
  };
  const candidates = filter.key === 'all' ? Object.values(fields).flat() : fields[filter.key] ?? [];
  return filter.values.some((v) => candidates.some((c) => c.startsWith(v)));
}

function paginate<T>(items: T[], input: Input): { items: T[]; nextToken?: string } {
  const max = input.MaxResults;
  if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 100)) {
    throw validation('maxResults', 'Member must have value between 1 and 100', max);
  }
  let start = 0;
  if (input.NextToken !== undefined) {
    start = Number.parseInt(String(input.NextToken), 10);
    if (!Number.isInteger(start) || start < 0 || start > items.length) {
      throw new AwsError('InvalidNextTokenException', 400, 'The NextToken value is invalid.');
    }
  }
  const size = typeof max === 'number' ? max : 100;
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: String(end) } : {}) };
}

function requiredString(input: Input, member: string, min: number, max: number): string {
  const value = optionalString(input, member, min, max);
  if (value === undefined) throw validation(camel(member), 'Member must not be null', null);
  return value;
}

function optionalString(input: Input, member: string, min: number, max: number): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsError('SerializationException', 400, `${member} must be a string.`);
  if (value.length < min) throw validation(camel(member), `Member must have length greater than or equal to ${min}`, value);
  if (value.length > max) throw validation(camel(member), `Member must have length less than or equal to ${max}`, value);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Errors and wire

function validation(member: string, constraint: string, value: unknown): AwsError {
  const shown = value === null ? 'null' : `'${String(value)}'`;
  return new AwsError(
    'ValidationException',
    400,
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterException', 400, message);
}

function invalidRequest(message: string): AwsError {
  return new AwsError('InvalidRequestException', 400, message);
}

function versionNotFound(what: string): AwsError {
  return new AwsError('ResourceNotFoundException', 400, `Secrets Manager can't find the specified secret value for ${what}`);
}

function tooLarge(): AwsError {
  return invalidParameter(`The secret value must be at most ${MAX_VALUE_BYTES} bytes.`);
}

function camel(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomSuffix(): string {
  let suffix = '';
  while (suffix.length < 6) suffix += SUFFIX_CHARS[randomInt(SUFFIX_CHARS.length)];
  return suffix;
}

