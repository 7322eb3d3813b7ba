import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CreateBucketAccessKeyCommand,
  CreateBucketCommand,
  DeleteBucketAccessKeyCommand,
  GetBucketAccessKeysCommand,
  LightsailClient,
} from '@aws-sdk/client-lightsail';
import { HeadBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startSimulator } from '../../src/local/sim/server';
import { useSimulator } from '../support/sim';

const sim = useSimulator();

interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

function s3(key: KeyPair, options: { maxAttempts?: number; endpoint?: string; region?: string } = {}) {
  return new S3Client({ forcePathStyle: true, credentials: key, region: options.region ?? 'us-east-1', ...options });
}

async function bucketWithKey(bucketName = 'assets-bucket', lightsail = new LightsailClient({})): Promise<KeyPair> {
  await lightsail.send(new CreateBucketCommand({ bucketName, bundleId: 'small_1_0' }));
  const { accessKey } = await lightsail.send(new CreateBucketAccessKeyCommand({ bucketName }));
  return { accessKeyId: accessKey!.accessKeyId!, secretAccessKey: accessKey!.secretAccessKey! };
}

async function lastUsed(bucketName = 'assets-bucket', lightsail = new LightsailClient({})) {
  const out = await lightsail.send(new GetBucketAccessKeysCommand({ bucketName }));
  return out.accessKeys?.[0]?.lastUsed;
}

function rejection(name: string, status: number) {
  return { name, $metadata: expect.objectContaining({ httpStatusCode: status }) };
}

describe('simulated S3 probe for Lightsail buckets', () => {
  it('accepts HeadBucket signed with the bucket\'s access key', async () => {
    const key = await bucketWithKey();

    const out = await s3(key).send(new HeadBucketCommand({ Bucket: 'assets-bucket' }));

    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.BucketRegion).toBe('us-east-1');
  });

  it('lists an empty bucket with ListObjectsV2', async () => {
    const key = await bucketWithKey();

    const out = await s3(key).send(new ListObjectsV2Command({ Bucket: 'assets-bucket', Prefix: 'probe/' }));

    expect(out).toMatchObject({ Name: 'assets-bucket', Prefix: 'probe/', KeyCount: 0, IsTruncated: false });
    expect(out.Contents).toBeUndefined();
  });

  it('updates lastUsed when the S3 probe accepts a key', async () => {
    const key = await bucketWithKey();
    await sim.admin('POST', '/_sim/clock', { advanceSeconds: 3 * 86_400 });

    await s3(key).send(new HeadBucketCommand({ Bucket: 'assets-bucket' }));

    const used = await lastUsed();
    expect(used).toMatchObject({ region: 'us-east-1', serviceName: 's3' });
    // Stamped with the simulator clock, three days ahead.
    expect(used?.lastUsedDate?.getTime()).toBeGreaterThan(Date.now() + 3 * 86_400_000 - 60_000);
  });

  it('rejects a request signed with the wrong secret (SignatureDoesNotMatch)', async () => {
    const key = await bucketWithKey();
    const wrong = { ...key, secretAccessKey: `${key.secretAccessKey.slice(0, -1)}${key.secretAccessKey.endsWith('A') ? 'B' : 'A'}` };

    await expect(s3(wrong).send(new ListObjectsV2Command({ Bucket: 'assets-bucket' }))).rejects.toMatchObject(
      rejection('SignatureDoesNotMatch', 403),
    );
  });

  it('answers a HEAD with the wrong secret with a bodiless 403', async () => {
    const key = await bucketWithKey();

    await expect(
      s3({ ...key, secretAccessKey: 'x'.repeat(40) }).send(new HeadBucketCommand({ Bucket: 'assets-bucket' })),
    ).rejects.toMatchObject({ $metadata: expect.objectContaining({ httpStatusCode: 403 }) });
  });

  it('leaves lastUsed alone when a request is refused', async () => {
    const key = await bucketWithKey();

    await s3({ ...key, secretAccessKey: 'x'.repeat(40) })
      .send(new ListObjectsV2Command({ Bucket: 'assets-bucket' }))
      .catch(() => undefined);

    expect(await lastUsed()).toEqual({ region: 'N/A', serviceName: 'N/A' });
  });

  it('rejects an unknown access key id (InvalidAccessKeyId)', async () => {
    await bucketWithKey();
    const unknown = { accessKeyId: 'AKIA0000000000000000', secretAccessKey: 'x'.repeat(40) };

    await expect(s3(unknown).send(new ListObjectsV2Command({ Bucket: 'assets-bucket' }))).rejects.toMatchObject(
      rejection('InvalidAccessKeyId', 403),
    );
  });

  it('rejects a deleted access key (InvalidAccessKeyId)', async () => {
    const key = await bucketWithKey();
    await new LightsailClient({}).send(
      new DeleteBucketAccessKeyCommand({ bucketName: 'assets-bucket', accessKeyId: key.accessKeyId }),
    );

    await expect(s3(key).send(new ListObjectsV2Command({ Bucket: 'assets-bucket' }))).rejects.toMatchObject(
      rejection('InvalidAccessKeyId', 403),
    );
  });

  it('rejects the key of another bucket (AccessDenied)', async () => {
    const key = await bucketWithKey('first-bucket');
    await bucketWithKey('second-bucket');

    await expect(s3(key).send(new ListObjectsV2Command({ Bucket: 'second-bucket' }))).rejects.toMatchObject(
      rejection('AccessDenied', 403),
    );
  });

  it('answers NoSuchBucket for an unknown bucket', async () => {
    const key = await bucketWithKey();

    await expect(s3(key).send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' }))).rejects.toMatchObject(
      rejection('NoSuchBucket', 404),
    );
  });

  it('answers throttling with SlowDown (503), which the SDK retries', async () => {
    const key = await bucketWithKey();
    await sim.admin('POST', '/_sim/faults', { service: 's3', operation: 'ListObjectsV2', throttle: true, count: 1 });

    const out = await s3(key).send(new ListObjectsV2Command({ Bucket: 'assets-bucket' }));

    expect(out.$metadata.attempts).toBe(2);
    const { calls } = await sim.admin<{ calls: { errorCode?: string; status: number; accessKeyId?: string }[] }>(
      'GET',
      '/_sim/calls?service=s3',
    );
    expect(calls.map((c) => [c.status, c.errorCode, c.accessKeyId])).toEqual([
      [503, 'SlowDown', key.accessKeyId],
      [200, undefined, key.accessKeyId],
    ]);
  });

  it('keeps a key usable across a restart with a state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyturn-s3-'));
    const stateFile = join(dir, 'state.json');
    try {
      const first = await startSimulator({ port: 0, stateFile });
      let key: KeyPair;
      try {
        key = await bucketWithKey('kept-bucket', new LightsailClient({ endpoint: first.url }));
      } finally {
        await first.close();
      }

      const second = await startSimulator({ port: 0, stateFile });
      try {
        await s3(key, { endpoint: second.url }).send(new HeadBucketCommand({ Bucket: 'kept-bucket' }));
        expect(await lastUsed('kept-bucket', new LightsailClient({ endpoint: second.url }))).toMatchObject({ serviceName: 's3' });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
