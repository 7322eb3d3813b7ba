/**
 * rotate-lightsail-bucket-key: a bucket whose 120-day-old key is stored as the secret's
 * AWSCURRENT (the routine case): rotated, tested, promoted, the old key deleted once unused.
 */
import { CreateBucketAccessKeyCommand, CreateBucketCommand, GetBucketAccessKeysCommand, LightsailClient } from '@aws-sdk/client-lightsail';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-secrets-manager';
import type { Target, TargetAdapter } from '../support/adapter';
import type { Harness } from '../support/harness';
import { isNoCredential } from '../../support/no-credential';

export const BUCKET = 'reliability-uploads';
const SECRET_ID = 'keyturn/lightsail/reliability-uploads';
export const SLACK_SECRET_ID = 'keyturn/slack/reliability';
export const DAY = 86_400;
export const lightsail = () => new LightsailClient({ maxAttempts: 1 });
export const sm = () => new SecretsManagerClient({ maxAttempts: 1 });

interface StoredKey {
  accessKeyId?: string;
  secretAccessKey?: string;
}

function labelled(h: Harness): { stages: string[]; key: StoredKey }[] {
  return h
    .secretVersions(SECRET_ID)
    .filter((v) => v.stages.length > 0 && !isNoCredential(v.value))
    .map((v) => ({ stages: v.stages, key: JSON.parse(v.value ?? '{}') as StoredKey }));
}

const byStage = (h: Harness, stage: string) => labelled(h).find((v) => v.stages.includes(stage))?.key;

/** The simulator's keys, in-process (injected faults do not touch the check). */
function bucketKeys(h: Harness): { accessKeyId: string; secretAccessKey: string }[] {
  const slice = h.state.services.lightsail as { accessKeys?: Record<string, { secretAccessKey: string; bucketName: string }> } | undefined;
  return Object.entries(slice?.accessKeys ?? {})
    .filter(([, k]) => k.bucketName === BUCKET)
    .map(([accessKeyId, k]) => ({ accessKeyId, secretAccessKey: k.secretAccessKey }));
}

export async function s3Status(key: StoredKey): Promise<number> {
  if (!key.accessKeyId || !key.secretAccessKey) return 0;
  const s3 = new S3Client({ forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }, maxAttempts: 1 });
  try {
    return (await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1 }))).$metadata.httpStatusCode ?? 0;
  } catch (error) {
    return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  } finally {
    s3.destroy();
  }
}

export const adapter: TargetAdapter = {
  workflow: 'rotate-lightsail-bucket-key',
  kind: 'rotation',
  lockSecretId: () => SECRET_ID,
  async seed(h) {
    await lightsail().send(new CreateBucketCommand({ bucketName: BUCKET, bundleId: 'small_1_0' }));
    await h.sim.admin('POST', '/_sim/clock', { offsetSeconds: -120 * DAY });
    const { accessKey } = await lightsail().send(new CreateBucketAccessKeyCommand({ bucketName: BUCKET }));
    await h.sim.admin('POST', '/_sim/clock', { offsetSeconds: 0 });
    const key = { accessKeyId: accessKey!.accessKeyId!, secretAccessKey: accessKey!.secretAccessKey!, bucketName: BUCKET, region: 'us-east-1' };
    await sm().send(new CreateSecretCommand({ Name: SECRET_ID, SecretString: JSON.stringify(key), Tags: [{ Key: 'cost-centre', Value: 'uploads' }] }));
    await sm().send(new CreateSecretCommand({ Name: SLACK_SECRET_ID, SecretString: JSON.stringify({ url: `${h.sim.url}/_sim/slack/services/T0/B0/reliability` }) }));
    return { input: { bucketName: BUCKET, secretId: SECRET_ID, slackWebhookSecretId: SLACK_SECRET_ID, graceSeconds: 3600 }, ids: { oldAccessKeyId: key.accessKeyId } };
  },
  resumeInput: (target, crashed) => ({ ...target.input, rotationId: crashed }),
  async snapshot(h, target) {
    const current = byStage(h, 'AWSCURRENT');
    const previous = byStage(h, 'AWSPREVIOUS');
    const role = (id: string) => (id === current?.accessKeyId ? 'current' : id === previous?.accessKeyId ? 'previous' : id === target.ids.oldAccessKeyId ? 'seeded' : 'other');
    const ids = ((await lightsail().send(new GetBucketAccessKeysCommand({ bucketName: BUCKET }))).accessKeys ?? []).map((k) => k.accessKeyId!);
    return {
      bucketKeys: ids.map(role).sort(),
      labels: labelled(h).flatMap((v) => v.stages).sort(),
      previousIsSeeded: previous?.accessKeyId === target.ids.oldAccessKeyId,
      currentWorks: current ? await s3Status(current) : 'no current key',
    };
  },
  async invariants(h, target) {
    const violations = await this.currentWorks!(h, target);
    const keys = bucketKeys(h);
    if (keys.length > 2) violations.push(`bucket holds ${keys.length} keys (quota 2)`);
    const stored = labelled(h);
    for (const key of keys) {
      const match = stored.find((v) => v.key.accessKeyId === key.accessKeyId);
      if (!match) violations.push(`orphan: access key ${key.accessKeyId} is on the bucket but no labelled secret version holds it`);
      else if (match.key.secretAccessKey !== key.secretAccessKey) violations.push(`secret of ${key.accessKeyId} stored wrong`);
    }
    return violations;
  },
  async currentWorks(h) {
    const current = byStage(h, 'AWSCURRENT');
    if (!current) return [];
    const status = await s3Status(current);
    return status === 200 ? [] : [`AWSCURRENT key ${current.accessKeyId} refused by S3 (${status})`];
  },
  didWork: (result) => (result.output as { rotated?: boolean } | undefined)?.rotated === true,
  creatingSteps: [{ state: 'Create the new key and store its secret', afterOperation: 'CreateBucketAccessKey' }],
  humanEdits: [
    {
      name: 'someone tags the key secret',
      async apply(h) {
        await sm().send(new TagResourceCommand({ SecretId: SECRET_ID, Tags: [{ Key: 'owner', Value: 'uploads-team' }] }));
        return async () => (h.secretTags(SECRET_ID).owner === 'uploads-team' ? [] : ['human’s tag owner=uploads-team was lost from the key secret']);
      },
    },
    {
      // keyturn tags this secret (the promotion record, the notified mark) after reading its tags:
      // writing back the tags it read would bring back one a person removed meanwhile.
      name: 'someone removes a tag from the key secret (UntagResource)',
      async apply(h) {
        await sm().send(new UntagResourceCommand({ SecretId: SECRET_ID, TagKeys: ['cost-centre'] }));
        return async () => ('cost-centre' in h.secretTags(SECRET_ID) ? ['the tag cost-centre someone removed from the key secret came back'] : []);
      },
    },
  ],
  stormOperations: [
    ...['GetBucketAccessKeys', 'CreateBucketAccessKey', 'DeleteBucketAccessKey', 'GetBuckets'].map((operation) => ({ service: 'lightsail', operation })),
    ...['GetSecretValue', 'PutSecretValue', 'DescribeSecret', 'UpdateSecretVersionStage', 'ListSecretVersionIds', 'TagResource'].map((operation) => ({ service: 'secretsmanager', operation })),
    { service: 'slack', operation: 'PostMessage' },
  ],
  badInputs(target: Target) {
    const good = { ...target.input };
    const without = (field: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== field));
    return [
      { what: 'bucketName missing', input: without('bucketName'), field: 'bucketName' },
      { what: 'secretId missing', input: without('secretId'), field: 'secretId' },
      { what: 'bucketName of the wrong type', input: { ...good, bucketName: ['uploads'] }, field: 'bucketName' },
      { what: 'bucketName with spaces', input: { ...good, bucketName: 'my uploads' }, field: 'bucketName' },
      { what: 'bucketName upper-case', input: { ...good, bucketName: 'Uploads' }, field: 'bucketName' },
      { what: 'a bucket that does not exist', input: { ...good, bucketName: 'no-such-bucket' }, field: 'bucketName' },
      { what: 'secretId outside keyturn/', input: { ...good, secretId: 'uploads-key' }, field: 'secretId' },
      { what: 'maxKeyAgeDays over 3650', input: { ...good, maxKeyAgeDays: 3651 }, field: 'maxKeyAgeDays' },
      { what: 'graceSeconds negative', input: { ...good, graceSeconds: -1 }, field: 'graceSeconds' },
      { what: 'force as a number', input: { ...good, force: 1 }, field: 'force' },
      { what: 'a comment over 128 characters (no such field)', input: { ...good, comment: 'x'.repeat(129) }, field: 'comment' },
      { what: 'rotationId with spaces', input: { ...good, rotationId: 'my rotation' }, field: 'rotationId' },
      { what: 'input an array', input: [good], field: '(input)' },
    ];
  },
};
