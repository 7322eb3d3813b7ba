/**
 * Lightsail (awsJson1_1, `X-Amz-Target: Lightsail_20161128.<Op>`): buckets and bucket access
 * keys, per aws-facts.md "Lightsail". The secret access key is stored (the S3 probe verifies
 * signatures with it) and returned by CreateBucketAccessKey only.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { awsJson, epochSeconds, readJsonInput, routeByTarget, type JsonInput } from '../aws-json';
import { AwsError, type ServiceModule, type SimContext, type SimResponse } from '../protocol';
import { keysOfBucket, lightsailState, type AccessKeyRecord, type BucketRecord } from './lightsail-store';

const TARGET_PREFIX = 'Lightsail_20161128.';
const OPERATIONS = new Set([
  'CreateBucket',
  'GetBuckets',
  'CreateBucketAccessKey',
  'GetBucketAccessKeys',
  'DeleteBucketAccessKey',
]);
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,52}[a-z0-9]$/;
// Bucket bundles are small_1_0, medium_1_0, large_1_0 (and later revisions of the same sizes).
const BUNDLE_ID = /^(small|medium|large)_\d+_\d+$/;
/** "You can have a maximum of two access keys per bucket" (Lightsail API reference, AccessKey). */
const MAX_KEYS_PER_BUCKET = 2;
const DOCS = 'https://docs.aws.amazon.com/lightsail/2016-11-28/api-reference/';

// Lightsail's error `code` values are not in its model; these follow the shape seen in its
// responses (e.g. NotFoundException carries code "DoesNotExist"). Unconfirmed.
const ERROR_CODES: Record<string, string> = {
  NotFoundException: 'DoesNotExist',
  InvalidInputException: 'InvalidInput',
  AccessDeniedException: 'AccessDenied',
  UnauthenticatedException: 'Unauthenticated',
  OperationFailureException: 'OperationFailure',
  ServiceException: 'InternalError',
};

export const lightsail: ServiceModule = {
  service: 'lightsail',
  ...routeByTarget(TARGET_PREFIX, OPERATIONS),
  handle(operation, req, ctx) {
    const input = readJsonInput(req);
    switch (operation) {
      case 'CreateBucket':
        return createBucket(input, ctx);
      case 'GetBuckets':
        return getBuckets(input, ctx);
      case 'CreateBucketAccessKey':
        return createBucketAccessKey(input, ctx);
      case 'GetBucketAccessKeys':
        return getBucketAccessKeys(input, ctx);
      case 'DeleteBucketAccessKey':
        return deleteBucketAccessKey(input, ctx);
      default:
        throw new AwsError('UnknownOperationException', 400, `operation ${operation} is not simulated`);
    }
  },
  resourceOf(_operation, req, ctx) {
    const name = readJsonInput(req).bucketName;
    return typeof name === 'string' ? lightsailState(ctx.state).buckets[name]?.arn : undefined;
  },
  renderError(error) {
    return respond(error.status, {
      __type: error.code,
      code: ERROR_CODES[error.code] ?? error.code,
      docs: DOCS,
      message: error.message,
      tip: tipFor(error.code),
    });
  },
  throttlingError: () => new AwsError('ThrottlingException', 400, 'Rate exceeded'),
};

type Input = JsonInput;

/** A response in awsJson1_1. */
const respond = (status: number, value: unknown): SimResponse => awsJson('1.1', status, value);

function createBucket(input: Input, ctx: SimContext): SimResponse {
  const bucketName = bucketNameOf(input);
  const bundleId = input.bundleId;
  if (typeof bundleId !== 'string' || !BUNDLE_ID.test(bundleId)) {
    throw invalidInput(`bundleId must be a bucket bundle id such as small_1_0 (got ${JSON.stringify(bundleId ?? null)})`);
  }
  const store = lightsailState(ctx.state);
  // Bucket names are unique across all of Lightsail; the exact error for a taken name is unconfirmed.
  if (store.buckets[bucketName]) throw invalidInput(`A bucket named ${bucketName} already exists.`);
  const tags = parseTags(input.tags);
  const now = ctx.now();
  const bucket: BucketRecord = {
    name: bucketName,
    bundleId,
    arn: `arn:aws:lightsail:${ctx.state.region}:${ctx.state.accountId}:Bucket/${randomUUID()}`,
    supportCode: `${randomInt(100_000_000_000, 999_999_999_999)}/${bucketName}`,
    region: ctx.state.region,
    createdAt: now,
    tags,
    objectVersioning: input.enableObjectVersioning === true ? 'Enabled' : 'NeverEnabled',
  };
  store.buckets[bucketName] = bucket;
  return respond(200, { bucket: renderBucket(bucket), operations: [operation(ctx, bucket, 'CreateBucket')] });
}

function getBuckets(input: Input, ctx: SimContext): SimResponse {
  const store = lightsailState(ctx.state);
  // includeCors: "This parameter is only supported when getting a single bucket with bucketName
  // specified." What AWS answers otherwise is undocumented: refused, the stricter reading.
  if (input.includeCors === true && input.bucketName === undefined) {
    throw invalidInput('includeCors is only supported when getting a single bucket with bucketName specified.');
  }
  if (input.bucketName !== undefined) {
    const bucket = findBucket(ctx, bucketNameOf(input));
    return respond(200, { buckets: [renderBucket(bucket)] });
  }
  return respond(200, { buckets: Object.values(store.buckets).map(renderBucket) });
}

function createBucketAccessKey(input: Input, ctx: SimContext): SimResponse {
  const bucket = findBucket(ctx, bucketNameOf(input));
  const store = lightsailState(ctx.state);
  if (keysOfBucket(store, bucket.name).length >= MAX_KEYS_PER_BUCKET) {
    // The quota is documented; the error AWS returns when it is hit is not (aws-facts.md):
    // InvalidInputException is the stricter reading.
    throw invalidInput(`You can have a maximum of ${MAX_KEYS_PER_BUCKET} access keys per bucket (${bucket.name}).`);
  }
  let accessKeyId = newAccessKeyId();
  while (store.accessKeys[accessKeyId]) accessKeyId = newAccessKeyId();
  const key: AccessKeyRecord = {
    accessKeyId,
    secretAccessKey: randomBytes(30).toString('base64'),
    bucketName: bucket.name,
    status: 'Active',
    createdAt: ctx.now(),
  };
  store.accessKeys[accessKeyId] = key;
  return respond(200, {
    // The only response that ever carries the secret; lastUsed is absent here (AccessKey docs).
    accessKey: {
      accessKeyId: key.accessKeyId,
      secretAccessKey: key.secretAccessKey,
      status: key.status,
      createdAt: epochSeconds(key.createdAt),
    },
    operations: [operation(ctx, bucket, 'CreateBucketAccessKey')],
  });
}

function getBucketAccessKeys(input: Input, ctx: SimContext): SimResponse {
  const bucket = findBucket(ctx, bucketNameOf(input));
  const keys = keysOfBucket(lightsailState(ctx.state), bucket.name);
  return respond(200, {
    accessKeys: keys.map((key) => ({
      accessKeyId: key.accessKeyId,
      status: key.status,
      createdAt: epochSeconds(key.createdAt),
      // Never used: region and serviceName "N/A", lastUsedDate null (left out).
      lastUsed: key.lastUsed
        ? { lastUsedDate: epochSeconds(key.lastUsed.lastUsedDate), region: key.lastUsed.region, serviceName: key.lastUsed.serviceName }
        : { region: 'N/A', serviceName: 'N/A' },
    })),
  });
}

function deleteBucketAccessKey(input: Input, ctx: SimContext): SimResponse {
  const bucket = findBucket(ctx, bucketNameOf(input));
  const accessKeyId = input.accessKeyId;
  if (typeof accessKeyId !== 'string' || accessKeyId === '') throw invalidInput('accessKeyId is required.');
  const store = lightsailState(ctx.state);
  const key = store.accessKeys[accessKeyId];
  if (!key || key.bucketName !== bucket.name) {
    throw new AwsError('NotFoundException', 400, `The access key ${accessKeyId} does not exist for bucket ${bucket.name}.`);
  }
  delete store.accessKeys[accessKeyId];
  return respond(200, { operations: [operation(ctx, bucket, 'DeleteBucketAccessKey')] });
}

function bucketNameOf(input: Input): string {
  const name = input.bucketName;
  if (typeof name !== 'string' || name === '') throw invalidInput('bucketName is required.');
  if (!BUCKET_NAME.test(name)) {
    throw invalidInput(`bucketName ${JSON.stringify(name)} must match ${BUCKET_NAME.source}.`);
  }
  return name;
}

function findBucket(ctx: SimContext, name: string): BucketRecord {
  const bucket = lightsailState(ctx.state).buckets[name];
  if (!bucket) throw new AwsError('NotFoundException', 400, `The bucket does not exist: ${name}`);
  return bucket;
}

function parseTags(value: unknown): BucketRecord['tags'] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidInput('tags must be a list of {key, value}.');
  return value.map((tag: unknown) => {
    const { key, value: tagValue } = (tag ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== 'string' || key.length < 1 || key.length > 128) throw invalidInput('A tag key must be 1 to 128 characters.');
    if (tagValue !== undefined && (typeof tagValue !== 'string' || tagValue.length > 256)) {
      throw invalidInput('A tag value must be at most 256 characters.');
    }
    return tagValue === undefined ? { key } : { key, value: tagValue };
  });
}

function renderBucket(bucket: BucketRecord) {
  return {
    resourceType: 'Bucket',
    accessRules: { getObject: 'private', allowPublicOverrides: false },
    arn: bucket.arn,
    bundleId: bucket.bundleId,
    createdAt: epochSeconds(bucket.createdAt),
    url: `https://${bucket.name}.s3.${bucket.region}.amazonaws.com/`,
    location: { availabilityZone: 'all', regionName: bucket.region },
    name: bucket.name,
    supportCode: bucket.supportCode,
    tags: bucket.tags,
    objectVersioning: bucket.objectVersioning,
    ableToUpdateBundle: true,
    readonlyAccessAccounts: [],
    resourcesReceivingAccess: [],
    state: { code: 'OK' },
    accessLogConfig: { enabled: false },
  };
}

/** Lightsail reports every mutation as a list of operations; the simulated ones finish at once. */
function operation(ctx: SimContext, bucket: BucketRecord, operationType: string) {
  const now = epochSeconds(ctx.now());
  return {
    id: randomUUID(),
    resourceName: bucket.name,
    resourceType: 'Bucket',
    createdAt: now,
    location: { availabilityZone: 'all', regionName: bucket.region },
    isTerminal: true,
    operationType,
    status: 'Succeeded',
    statusChangedAt: now,
  };
}

const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** `^[A-Z0-9]{20}$`, with the AKIA prefix of long-term AWS access keys. */
function newAccessKeyId(): string {
  let id = 'AKIA';
  while (id.length < 20) id += KEY_CHARS[randomInt(KEY_CHARS.length)];
  return id;
}

function invalidInput(message: string): AwsError {
  return new AwsError('InvalidInputException', 400, message);
}

function tipFor(code: string): string {
  switch (code) {
    case 'NotFoundException':
      return 'Check the resource name and that it exists in this Region.';
    case 'InvalidInputException':
      return 'Check the request parameters against the API reference.';
    default:
      return '';
  }
}

