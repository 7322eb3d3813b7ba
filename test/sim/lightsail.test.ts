import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CreateBucketAccessKeyCommand,
  CreateBucketCommand,
  DeleteBucketAccessKeyCommand,
  GetBucketAccessKeysCommand,
  GetBucketsCommand,
  LightsailClient,
} from '@aws-sdk/client-lightsail';
import { startSimulator } from '../../src/local/sim/server';
import { documented } from '../support/sdk-docs';
import { useSimulator } from '../support/sim';

const sim = useSimulator();
const client = (options: { maxAttempts?: number; endpoint?: string } = {}) => new LightsailClient(options);

async function createBucket(bucketName = 'assets-bucket', c = client()) {
  return c.send(new CreateBucketCommand({ bucketName, bundleId: 'small_1_0' }));
}

async function createKey(bucketName = 'assets-bucket', c = client()) {
  const out = await c.send(new CreateBucketAccessKeyCommand({ bucketName }));
  return out.accessKey!;
}

function rejection(name: string, status = 400) {
  return { name, $metadata: expect.objectContaining({ httpStatusCode: status }) };
}

describe('simulated Lightsail', () => {
  describe('buckets', () => {
    it('creates a bucket and returns it from GetBuckets', async () => {
      const created = await createBucket();

      const out = await client().send(new GetBucketsCommand({ bucketName: 'assets-bucket' }));

      expect(created.bucket).toMatchObject({ name: 'assets-bucket', bundleId: 'small_1_0', state: { code: 'OK' } });
      expect(out.buckets).toHaveLength(1);
      expect(out.buckets?.[0]).toMatchObject({
        name: 'assets-bucket',
        resourceType: 'Bucket',
        location: { regionName: 'us-east-1' },
        arn: expect.stringMatching(/^arn:aws:lightsail:us-east-1:123456789012:Bucket\//),
      });
    });

    it(documented('lightsail', 'GetBuckets', "When omitted, the response includes all of your buckets in the Amazon Web Services Region where the request is made.").title, async () => {
      await createBucket('first-bucket');
      await createBucket('second-bucket');

      const out = await client().send(new GetBucketsCommand({}));

      expect(out.buckets?.map((b) => b.name)).toEqual(['first-bucket', 'second-bucket']);
    });

    it(documented('lightsail', 'GetBuckets', "This parameter is only supported when getting a single bucket with bucketName specified.").title, async () => {
      await createBucket('cors-bucket');

      await expect(client().send(new GetBucketsCommand({ includeCors: true }))).rejects.toMatchObject(rejection('InvalidInputException'));
      expect((await client().send(new GetBucketsCommand({ bucketName: 'cors-bucket', includeCors: true }))).buckets).toHaveLength(1);
    });

    it.each(['ab', 'Assets', 'assets_bucket', '-assets', 'assets-', `a${'b'.repeat(54)}`])(
      'rejects the bucket name %j (InvalidInputException)',
      async (bucketName) => {
        await expect(client().send(new CreateBucketCommand({ bucketName, bundleId: 'small_1_0' }))).rejects.toMatchObject(
          rejection('InvalidInputException'),
        );
      },
    );

    it(documented('lightsail', 'GetBuckets', "Lightsail throws this exception when it cannot find a resource.").title, async () => {
      await expect(client().send(new GetBucketsCommand({ bucketName: 'no-such-bucket' }))).rejects.toMatchObject(
        rejection('NotFoundException'),
      );
    });

    it('puts code, docs, message and tip on its errors', async () => {
      const error = await client()
        .send(new GetBucketsCommand({ bucketName: 'no-such-bucket' }))
        .catch((e: unknown) => e);

      expect(error).toMatchObject({
        name: 'NotFoundException',
        code: expect.any(String),
        docs: expect.stringMatching(/^https:\/\//),
        message: expect.stringContaining('no-such-bucket'),
        tip: expect.any(String),
      });
    });
  });

  describe('access keys', () => {
    it(documented('lightsail', 'CreateBucketAccessKey', "The secretAccessKey value is returned only in response to the CreateBucketAccessKey action.").title, async () => {
      await createBucket();

      const out = await client().send(new CreateBucketAccessKeyCommand({ bucketName: 'assets-bucket' }));

      expect(out.accessKey).toEqual({
        accessKeyId: expect.stringMatching(/^[A-Z0-9]{20}$/),
        secretAccessKey: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/),
        status: 'Active',
        createdAt: expect.any(Date),
      });
      expect(out.operations).toEqual([
        expect.objectContaining({
          resourceName: 'assets-bucket',
          resourceType: 'Bucket',
          operationType: 'CreateBucketAccessKey',
          status: 'Succeeded',
          isTerminal: true,
          id: expect.any(String),
          createdAt: expect.any(Date),
          location: expect.objectContaining({ regionName: 'us-east-1' }),
        }),
      ]);
    });

    it(documented('lightsail', 'GetBucketAccessKeys', "This action does not return the secret access key value of an access key.").title, async () => {
      await createBucket();
      const key = await createKey();

      const listed = await client().send(new GetBucketAccessKeysCommand({ bucketName: 'assets-bucket' }));
      const buckets = await client().send(new GetBucketsCommand({ bucketName: 'assets-bucket' }));

      expect(listed.accessKeys).toHaveLength(1);
      expect(listed.accessKeys?.[0]?.accessKeyId).toBe(key.accessKeyId);
      expect(listed.accessKeys?.[0]).not.toHaveProperty('secretAccessKey');
      expect(JSON.stringify([listed, buckets])).not.toContain(key.secretAccessKey!);
    });

    it('reports a never-used key with lastUsed region and serviceName N/A and no date', async () => {
      await createBucket();
      await createKey();

      const out = await client().send(new GetBucketAccessKeysCommand({ bucketName: 'assets-bucket' }));

      expect(out.accessKeys?.[0]?.lastUsed).toEqual({ region: 'N/A', serviceName: 'N/A' });
      expect(out.accessKeys?.[0]?.status).toBe('Active');
    });

    it(documented('lightsail', 'CreateBucketAccessKey', "You can have a maximum of two access keys per bucket.").title, async () => {
      await createBucket();
      await createKey();
      await createKey();

      await expect(createKey()).rejects.toMatchObject(rejection('InvalidInputException'));
      const out = await client().send(new GetBucketAccessKeysCommand({ bucketName: 'assets-bucket' }));
      expect(out.accessKeys).toHaveLength(2);
    });

    it('counts the two-key quota per bucket', async () => {
      await createBucket('first-bucket');
      await createBucket('second-bucket');
      await createKey('first-bucket');
      await createKey('first-bucket');

      await expect(createKey('second-bucket')).resolves.toMatchObject({ status: 'Active' });
    });

    it('allows a new key once one of two is deleted', async () => {
      await createBucket();
      const first = await createKey();
      await createKey();

      const deleted = await client().send(
        new DeleteBucketAccessKeyCommand({ bucketName: 'assets-bucket', accessKeyId: first.accessKeyId }),
      );

      expect(deleted.operations?.[0]).toMatchObject({ operationType: 'DeleteBucketAccessKey', status: 'Succeeded' });
      const listed = await client().send(new GetBucketAccessKeysCommand({ bucketName: 'assets-bucket' }));
      expect(listed.accessKeys?.map((k) => k.accessKeyId)).not.toContain(first.accessKeyId);
      await expect(createKey()).resolves.toMatchObject({ status: 'Active' });
    });

    it('answers NotFoundException when creating a key for an unknown bucket', async () => {
      await expect(createKey('no-such-bucket')).rejects.toMatchObject(rejection('NotFoundException'));
    });

    it('answers NotFoundException when deleting an unknown key', async () => {
      await createBucket();

      await expect(
        client().send(new DeleteBucketAccessKeyCommand({ bucketName: 'assets-bucket', accessKeyId: 'AKIA0000000000000000' })),
      ).rejects.toMatchObject(rejection('NotFoundException'));
    });

    it('answers NotFoundException when deleting the key of another bucket', async () => {
      await createBucket('first-bucket');
      await createBucket('second-bucket');
      const key = await createKey('first-bucket');

      await expect(
        client().send(new DeleteBucketAccessKeyCommand({ bucketName: 'second-bucket', accessKeyId: key.accessKeyId })),
      ).rejects.toMatchObject(rejection('NotFoundException'));
    });

    it('stamps createdAt with the simulator clock', async () => {
      await createBucket();
      await sim.admin('POST', '/_sim/clock', { advanceSeconds: 86_400 });

      const key = await createKey();

      expect(key.createdAt!.getTime()).toBeGreaterThan(Date.now() + 86_000_000);
    });
  });

  describe('faults and persistence', () => {
    it('answers throttling with ThrottlingException, which the SDK retries', async () => {
      await createBucket();
      await sim.admin('POST', '/_sim/faults', { service: 'lightsail', operation: 'CreateBucketAccessKey', throttle: true, count: 1 });

      const out = await client().send(new CreateBucketAccessKeyCommand({ bucketName: 'assets-bucket' }));

      expect(out.$metadata.attempts).toBe(2);
      const listed = await client().send(new GetBucketAccessKeysCommand({ bucketName: 'assets-bucket' }));
      expect(listed.accessKeys).toHaveLength(1);
    });

    it('surfaces an injected ServiceException and creates nothing', async () => {
      await createBucket();
      await sim.admin('POST', '/_sim/faults', {
        service: 'lightsail',
        operation: 'CreateBucketAccessKey',
        error: { code: 'ServiceException', status: 500 },
        count: 1,
      });

      await expect(
        client({ maxAttempts: 1 }).send(new CreateBucketAccessKeyCommand({ bucketName: 'assets-bucket' })),
      ).rejects.toMatchObject({ name: 'ServiceException', $fault: 'server', $metadata: expect.objectContaining({ httpStatusCode: 500 }) });
      const listed = await client().send(new GetBucketAccessKeysCommand({ bucketName: 'assets-bucket' }));
      expect(listed.accessKeys).toEqual([]);
    });

    it('keeps buckets and keys across a restart with a state file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'keyturn-ls-'));
      const stateFile = join(dir, 'state.json');
      try {
        const first = await startSimulator({ port: 0, stateFile });
        let accessKeyId: string | undefined;
        try {
          const c = client({ endpoint: first.url });
          await createBucket('kept-bucket', c);
          accessKeyId = (await createKey('kept-bucket', c)).accessKeyId;
        } finally {
          await first.close();
        }
        // The secret has to be kept for SigV4 checks by the S3 probe (see s3-probe.test.ts).
        expect(readFileSync(stateFile, 'utf8')).toContain(accessKeyId);

        const second = await startSimulator({ port: 0, stateFile });
        try {
          const out = await client({ endpoint: second.url }).send(new GetBucketAccessKeysCommand({ bucketName: 'kept-bucket' }));
          expect(out.accessKeys?.map((k) => k.accessKeyId)).toEqual([accessKeyId]);
        } finally {
          await second.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
