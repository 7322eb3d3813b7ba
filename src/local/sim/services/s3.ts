/**
 * The S3-compatible endpoint of Lightsail buckets, reduced to what proves a bucket access key
 * works: HeadBucket (HEAD /<bucket>) and ListObjectsV2 (GET /<bucket>?list-type=2), path-style.
 * Requests must be SigV4-signed (service s3) with a Lightsail bucket access key; the signature
 * is verified against the key's stored secret, and a success records the key's lastUsed the way
 * Lightsail reports it in GetBucketAccessKeys. Objects are not simulated: every bucket is empty.
 *
 * Not checked: clock skew (RequestTimeTooSkewed). The simulator's clock can be moved days ahead
 * (grace periods) while SDK clients sign with the real time.
 */
import { AwsError, requestId, xml, type ServiceModule, type SimContext, type SimRequest, type SimResponse } from '../protocol';
import { lightsailState } from './lightsail-store';
import { checkS3Signature, parseAuthorization } from './s3-sigv4';

export const s3: ServiceModule = {
  service: 's3',
  // Only reached through the signing service: unsigned requests have no owner to check.
  matches: () => false,
  // A bucket access key acts in the account and region of its bucket, whoever's world that is.
  locate(req, worlds) {
    const auth = parseAuthorization(req);
    if (!auth) return undefined;
    const world = worlds.find((w) => w.services.lightsail !== undefined && lightsailState(w).accessKeys[auth.accessKeyId] !== undefined);
    return world ? { accountId: world.accountId, region: world.region } : undefined;
  },
  operation(req) {
    const segments = req.path.split('/').filter(Boolean);
    if (segments.length === 1 && req.method === 'HEAD') return 'HeadBucket';
    if (segments.length === 1 && req.method === 'GET' && req.query.get('list-type') === '2') return 'ListObjectsV2';
    throw new AwsError('NotImplemented', 501, `${req.method} ${req.path} is not simulated (only HeadBucket and ListObjectsV2).`);
  },
  async handle(operation, req, ctx) {
    const bucketName = req.path.split('/').filter(Boolean)[0] ?? '';
    await authorize(req, ctx, bucketName);
    const region = ctx.state.region;
    switch (operation) {
      case 'HeadBucket':
        return { status: 200, headers: { 'x-amz-bucket-region': region, 'x-amz-access-point-alias': 'false' } };
      case 'ListObjectsV2':
        return listObjectsV2(req, bucketName, region);
      default:
        throw new AwsError('NotImplemented', 501, `${operation} is not simulated.`);
    }
  },
  renderError(error, req) {
    const id = requestId();
    const bucket = req.path.split('/').filter(Boolean)[0];
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
      (bucket && error.code === 'NoSuchBucket' ? `<BucketName>${escapeXml(bucket)}</BucketName>` : '') +
      `<RequestId>${id}</RequestId></Error>`;
    return xml(error.status, body, { 'content-type': 'application/xml', 'x-amz-request-id': id });
  },
  throttlingError: () => new AwsError('SlowDown', 503, 'Please reduce your request rate.'),
};

/**
 * The order S3 checks in: who is calling (key, then signature), then the bucket, then whether
 * this caller may use it. A Lightsail key grants access to its own bucket only.
 */
async function authorize(req: SimRequest, ctx: SimContext, bucketName: string): Promise<void> {
  const auth = parseAuthorization(req);
  if (auth === undefined) throw new AwsError('AccessDenied', 403, 'Access Denied');
  if (auth === null || auth.service !== 's3') {
    throw new AwsError('AuthorizationHeaderMalformed', 400, 'The authorization header is malformed.');
  }
  const store = lightsailState(ctx.state);
  const key = store.accessKeys[auth.accessKeyId];
  if (!key || key.status !== 'Active') {
    throw new AwsError('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.');
  }
  const check = await checkS3Signature(req, auth, key.secretAccessKey);
  if (check === 'malformed') throw new AwsError('AuthorizationHeaderMalformed', 400, 'The authorization header is malformed.');
  if (check === 'content-sha256-mismatch') {
    throw new AwsError('XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  if (check === 'mismatch') {
    throw new AwsError(
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  const bucket = store.buckets[bucketName];
  if (!bucket) throw new AwsError('NoSuchBucket', 404, 'The specified bucket does not exist');
  if (auth.region !== bucket.region) {
    throw new AwsError(
      'AuthorizationHeaderMalformed',
      400,
      `The authorization header is malformed; the region '${auth.region}' is wrong; expecting '${bucket.region}'`,
    );
  }
  if (key.bucketName !== bucket.name) throw new AwsError('AccessDenied', 403, 'Access Denied');
  key.lastUsed = { lastUsedDate: ctx.now(), region: bucket.region, serviceName: 's3' };
  ctx.persist(); // HeadBucket/ListObjectsV2 are reads, which the server does not persist
}

function listObjectsV2(req: SimRequest, bucketName: string, region: string): SimResponse {
  const prefix = req.query.get('prefix') ?? '';
  const maxKeys = Number.parseInt(req.query.get('max-keys') ?? '1000', 10);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new AwsError('InvalidArgument', 400, 'Provided max-keys not an integer or within integer range');
  const delimiter = req.query.get('delimiter');
  const startAfter = req.query.get('start-after');
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Name>${escapeXml(bucketName)}</Name>` +
    `<Prefix>${escapeXml(prefix)}</Prefix>` +
    (delimiter ? `<Delimiter>${escapeXml(delimiter)}</Delimiter>` : '') +
    (startAfter ? `<StartAfter>${escapeXml(startAfter)}</StartAfter>` : '') +
    `<KeyCount>0</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>false</IsTruncated>` +
    '</ListBucketResult>';
  return xml(200, body, { 'content-type': 'application/xml', 'x-amz-bucket-region': region });
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
