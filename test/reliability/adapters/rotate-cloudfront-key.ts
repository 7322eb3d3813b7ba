/**
 * rotate-cloudfront-key: a key group signing with a hand-made key, already rotated once by
 * keyturn (so the routine run retires keyturn's previous key), rotated again with force.
 */
import { generateKeyPairSync } from 'node:crypto';
import {
  CloudFrontClient,
  CreateKeyGroupCommand,
  CreatePublicKeyCommand,
  GetKeyGroupCommand,
  ListPublicKeysCommand,
  PreconditionFailed,
  UpdateKeyGroupCommand,
} from '@aws-sdk/client-cloudfront';
import { CreateSecretCommand, SecretsManagerClient, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import type { TargetAdapter, Target } from '../support/adapter';
import type { Harness } from '../support/harness';
import { isNoCredential } from '../../support/no-credential';

const SECRET_ID = 'keyturn/cloudfront/reliability-key';
const SLACK_SECRET_ID = 'keyturn/slack/reliability';
const cf = () => new CloudFrontClient({ maxAttempts: 1 });
const sm = () => new SecretsManagerClient({ maxAttempts: 1 });

async function handMadeKey(prefix: string): Promise<string> {
  return (await handMadeKeyPair(prefix)).publicKeyId;
}

/** A public key made by hand, and the private key its signers hold. */
async function handMadeKeyPair(prefix: string): Promise<{ publicKeyId: string; privateKey: string }> {
  // Public key names are unique in the account: the same edit may be made twice in one run.
  const name = `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const out = await cf().send(new CreatePublicKeyCommand({ PublicKeyConfig: { Name: name, CallerReference: `${name}-${Math.random()}`, EncodedKey: pair.publicKey, Comment: 'made by hand' } }));
  return { publicKeyId: out.PublicKey!.Id!, privateKey: pair.privateKey };
}

async function group(keyGroupId: string): Promise<{ items: string[]; etag: string; name: string }> {
  const out = await cf().send(new GetKeyGroupCommand({ Id: keyGroupId }));
  return { items: out.KeyGroup?.KeyGroupConfig?.Items ?? [], etag: out.ETag!, name: out.KeyGroup!.KeyGroupConfig!.Name! };
}

/**
 * A careful person's edit: read, add, write with If-Match, and on PreconditionFailed (a racing
 * writer armed earlier fires under this write too) start again from a fresh read. False when the
 * group is full: the person cannot add, so there is no edit to lose.
 */
async function addByHand(keyGroupId: string, publicKeyId: string): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    const g = await group(keyGroupId);
    if (g.items.length >= 5) return false;
    try {
      await cf().send(new UpdateKeyGroupCommand({ Id: keyGroupId, IfMatch: g.etag, KeyGroupConfig: { Name: g.name, Items: [...g.items, publicKeyId] } }));
      return true;
    } catch (error) {
      if (!(error instanceof PreconditionFailed) || attempt >= 3) throw error;
    }
  }
}

async function publicKeys(): Promise<{ id: string; comment: string }[]> {
  return ((await cf().send(new ListPublicKeysCommand({}))).PublicKeyList?.Items ?? []).map((k) => ({ id: k.Id!, comment: k.Comment ?? '' }));
}

function labelled(h: Harness): { stages: string[]; key: { publicKeyId?: string; privateKey?: string } }[] {
  return h
    .secretVersions(SECRET_ID)
    .filter((v) => v.stages.length > 0 && !isNoCredential(v.value))
    .map((v) => ({ stages: v.stages, key: JSON.parse(v.value ?? '{}') as { publicKeyId?: string; privateKey?: string } }));
}

const byStage = (h: Harness, stage: string) => labelled(h).find((v) => v.stages.includes(stage))?.key;

/** The simulator's signed-URL check (an admin route: injected faults do not touch it). */
async function verifies(h: Harness, keyGroupId: string, key: { publicKeyId?: string; privateKey?: string }): Promise<number> {
  if (!key.publicKeyId || !key.privateKey) return 0;
  const url = getSignedUrl({ url: `${h.sim.url}/_sim/cloudfront/${keyGroupId}/probe`, keyPairId: key.publicKeyId, privateKey: key.privateKey, dateLessThan: new Date(Date.now() + 60_000) });
  return (await fetch(url)).status;
}

/**
 * A key group signing with a hand-made key, a Slack webhook, and no keyturn secret yet: due for a
 * first rotation. `storedByHand`: its signers' secret exists already, holding that key and its
 * Key-Pair-Id (the rotation adopts the key, then retires it).
 */
export async function seedKeyGroup(h: Harness, options: { storedByHand?: boolean } = {}): Promise<Target> {
  const legacy = await handMadeKeyPair('legacy');
  const legacyKeyId = legacy.publicKeyId;
  if (options.storedByHand) await sm().send(new CreateSecretCommand({ Name: SECRET_ID, SecretString: JSON.stringify({ privateKey: legacy.privateKey, publicKeyId: legacyKeyId }) }));
  const keyGroupId = (await cf().send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: `media-${Math.random().toString(36).slice(2, 8)}`, Items: [legacyKeyId] } }))).KeyGroup!.Id!;
  await sm().send(new CreateSecretCommand({ Name: SLACK_SECRET_ID, SecretString: JSON.stringify({ url: `${h.sim.url}/_sim/slack/services/T0/B0/reliability` }) }));
  const input = { keyGroupId, secretId: SECRET_ID, graceSeconds: 3600, slackWebhookSecretId: SLACK_SECRET_ID, testUrlBase: `${h.sim.url}/_sim/cloudfront/${keyGroupId}` };
  return { input, ids: { keyGroupId, legacyKeyId } };
}

export const adapter: TargetAdapter = {
  workflow: 'rotate-cloudfront-key',
  kind: 'rotation',
  lockSecretId: () => SECRET_ID,
  async seed(h) {
    const { input, ids } = await seedKeyGroup(h);
    const first = await h.run(this.workflow, input, { label: 'seed: first rotation' });
    if (first.status !== 'SUCCEEDED') throw new Error(`seed: first rotation ${first.status} ${JSON.stringify(first.error)}`);
    await h.sim.admin('DELETE', '/_sim/slack');
    return { input: { ...input, force: true }, ids };
  },
  resumeInput: (target, crashed) => ({ ...target.input, rotationId: crashed }),
  async snapshot(h, target) {
    const current = byStage(h, 'AWSCURRENT');
    const previous = byStage(h, 'AWSPREVIOUS');
    const keys = await publicKeys();
    const role = (id: string) =>
      id === target.ids.legacyKeyId ? 'legacy' : id === current?.publicKeyId ? 'current' : id === previous?.publicKeyId ? 'previous' : keys.find((k) => k.id === id)?.comment.startsWith('keyturn') ? 'other keyturn key' : 'someone else’s key';
    return {
      keyGroup: (await group(target.ids.keyGroupId!)).items.map(role).sort(),
      publicKeys: keys.map((k) => role(k.id)).sort(),
      labels: labelled(h).flatMap((v) => v.stages).sort(),
      currentVerifies: current ? await verifies(h, target.ids.keyGroupId!, current) : 'no current key',
    };
  },
  async invariants(h, target) {
    const violations = await this.currentWorks!(h, target);
    const { items } = await group(target.ids.keyGroupId!);
    if (items.length > 5) violations.push(`key group holds ${items.length} keys (quota 5)`);
    const referenced = new Set(labelled(h).map((v) => v.key.publicKeyId));
    for (const key of await publicKeys()) {
      if (!key.comment.startsWith('keyturn')) continue;
      if (!items.includes(key.id)) violations.push(`orphan: keyturn public key ${key.id} is in no key group`);
      else if (!referenced.has(key.id)) violations.push(`orphan: keyturn public key ${key.id} is in the group but no labelled secret version holds its private key`);
    }
    return violations;
  },
  async currentWorks(h, target) {
    const current = byStage(h, 'AWSCURRENT');
    if (!current) return [];
    const status = await verifies(h, target.ids.keyGroupId!, current);
    return status === 200 ? [] : [`AWSCURRENT key ${current.publicKeyId} does not verify (${status})`];
  },
  didWork: (result) => (result.output as { rotated?: boolean } | undefined)?.rotated === true,
  creatingSteps: [
    { state: 'Store a new key pair as pending', afterOperation: 'PutSecretValue' },
    { state: 'Create public key', afterOperation: 'CreatePublicKey' },
  ],
  humanEdits: [
    {
      name: 'racing writer adds a key to the group under the next UpdateKeyGroup',
      async apply(h, target) {
        const added = await handMadeKey('racer');
        const racer = h.sim.sim.faults.addRacingWriter({ keyGroupId: target.ids.keyGroupId!, addPublicKeyId: added });
        // Checked for what it did: armed after keyturn's last key-group write, it fires under the
        // person's own edit (which retries) or never; and it makes no edit the rules forbid (a
        // full group). Whichever write it raced, a key it added must still be there.
        return async () => {
          if (h.sim.sim.faults.racers.includes(racer) || !racer.applied) return [];
          return (await group(target.ids.keyGroupId!)).items.includes(added) ? [] : [`racing writer’s key ${added} was lost from the key group`];
        };
      },
    },
    {
      name: 'someone adds a key to the group (GetKeyGroup, UpdateKeyGroup If-Match)',
      async apply(_h, target) {
        const added = await handMadeKey('human');
        if (!(await addByHand(target.ids.keyGroupId!, added))) return async () => [];
        return async () => ((await group(target.ids.keyGroupId!)).items.includes(added) ? [] : [`human's key ${added} was lost from the key group`]);
      },
    },
    {
      name: 'someone tags the key secret',
      async apply(h) {
        if (h.secretVersions(SECRET_ID).length === 0) return async () => [];
        await sm().send(new TagResourceCommand({ SecretId: SECRET_ID, Tags: [{ Key: 'owner', Value: 'media-team' }] }));
        return async () => (h.secretTags(SECRET_ID).owner === 'media-team' ? [] : ['human’s tag owner=media-team was lost from the key secret']);
      },
    },
  ],
  stormOperations: [
    ...['GetKeyGroup', 'UpdateKeyGroup', 'CreatePublicKey', 'GetPublicKey', 'DeletePublicKey', 'ListPublicKeys'].map((operation) => ({ service: 'cloudfront', operation })),
    ...['GetSecretValue', 'PutSecretValue', 'DescribeSecret', 'UpdateSecretVersionStage', 'ListSecretVersionIds', 'CreateSecret'].map((operation) => ({ service: 'secretsmanager', operation })),
    { service: 'slack', operation: 'PostMessage' },
  ],
  badInputs(target: Target) {
    const good = { ...target.input };
    const without = (field: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== field));
    return [
      { what: 'keyGroupId missing', input: without('keyGroupId'), field: 'keyGroupId' },
      { what: 'secretId missing', input: without('secretId'), field: 'secretId' },
      { what: 'keyGroupId of the wrong type', input: { ...good, keyGroupId: 42 }, field: 'keyGroupId' },
      { what: 'keyGroupId with spaces', input: { ...good, keyGroupId: 'media signers' }, field: 'keyGroupId' },
      { what: 'keyGroupId of a group that does not exist', input: { ...good, keyGroupId: 'no-such-key-group' }, field: 'keyGroupId' },
      { what: 'secretId outside keyturn/', input: { ...good, secretId: 'prod/db-password' }, field: 'secretId' },
      { what: 'graceSeconds negative', input: { ...good, graceSeconds: -1 }, field: 'graceSeconds' },
      { what: 'graceSeconds fractional', input: { ...good, graceSeconds: 1.5 }, field: 'graceSeconds' },
      { what: 'graceSeconds over the Wait limit', input: { ...good, graceSeconds: 100_000_000 }, field: 'graceSeconds' },
      { what: 'maxKeyAgeDays 0', input: { ...good, maxKeyAgeDays: 0 }, field: 'maxKeyAgeDays' },
      { what: 'force as a string', input: { ...good, force: 'yes' }, field: 'force' },
      { what: 'an unknown algorithm', input: { ...good, algorithm: 'DSA_1024' }, field: 'algorithm' },
      { what: 'a comment over 128 characters (no such field)', input: { ...good, comment: 'x'.repeat(129) }, field: 'comment' },
      { what: 'testUrlBase not http(s)', input: { ...good, testUrlBase: 'ftp://example.com/x' }, field: 'testUrlBase' },
      { what: 'rotationId with spaces', input: { ...good, rotationId: 'my rotation' }, field: 'rotationId' },
      { what: 'account with an id that is not 12 digits', input: { ...good, account: { accountId: '1234', roleArn: 'arn:aws:iam::111122223333:role/k' } }, field: 'account.accountId' },
      { what: 'account without a role', input: { ...good, account: { accountId: '111122223333' } }, field: 'account.roleArn' },
      { what: 'account as a string', input: { ...good, account: 'production' }, field: 'account' },
      { what: 'input not an object', input: 'rotate please', field: '(input)' },
    ];
  },
};
