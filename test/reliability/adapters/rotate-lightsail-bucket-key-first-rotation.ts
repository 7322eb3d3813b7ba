/**
 * rotate-lightsail-bucket-key, first rotation: a bucket whose only key was made by hand (and used
 * once by its consumer), no keyturn secret yet: the demo's case. The run creates the secret (its
 * first version the no-credential marker), adopts the hand-made key as the one to retire, and
 * stores its new key as AWSPENDING until it is tested.
 */
import { CreateBucketAccessKeyCommand, CreateBucketCommand } from '@aws-sdk/client-lightsail';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { TargetAdapter } from '../support/adapter';
import { adapter as routine, BUCKET, DAY, lightsail, s3Status, sm, SLACK_SECRET_ID } from './rotate-lightsail-bucket-key';

export const adapter: TargetAdapter = {
  ...routine,
  scenario: 'first rotation, hand-made key, no secret yet',
  async seed(h) {
    await lightsail().send(new CreateBucketCommand({ bucketName: BUCKET, bundleId: 'small_1_0' }));
    await h.sim.admin('POST', '/_sim/clock', { offsetSeconds: -400 * DAY });
    const { accessKey } = await lightsail().send(new CreateBucketAccessKeyCommand({ bucketName: BUCKET }));
    await h.sim.admin('POST', '/_sim/clock', { offsetSeconds: 0 });
    // Used once by its consumer before keyturn took over (lastUsed set): adoptable.
    if ((await s3Status({ accessKeyId: accessKey!.accessKeyId!, secretAccessKey: accessKey!.secretAccessKey! })) !== 200) throw new Error('seed: the hand-made key does not work');
    await sm().send(new CreateSecretCommand({ Name: SLACK_SECRET_ID, SecretString: JSON.stringify({ url: `${h.sim.url}/_sim/slack/services/T0/B0/reliability` }) }));
    const secretId = routine.lockSecretId!({ input: {}, ids: {} });
    return { input: { bucketName: BUCKET, secretId, slackWebhookSecretId: SLACK_SECRET_ID, graceSeconds: 3600 }, ids: { oldAccessKeyId: accessKey!.accessKeyId! } };
  },
  // The hand-made key has no stored secret until keyturn retires it: the routine adapter's
  // orphan check would flag it while it is still on the bucket, so it is left out until then.
  async invariants(h, target) {
    const violations = await routine.invariants(h, target);
    return violations.filter((v) => !v.includes(`access key ${target.ids.oldAccessKeyId} is on the bucket`));
  },
  creatingSteps: [{ state: 'Create the new key and store its secret', afterOperation: 'CreateSecret' }, ...routine.creatingSteps],
  humanEdits: [],
  badInputs: () => [],
};
