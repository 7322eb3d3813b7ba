import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { startSimulator } from '../../src/local/sim/server';
import { documented } from '../support/sdk-docs';
import { useSimulator } from '../support/sim';

const sim = useSimulator();
const client = (options: { maxAttempts?: number; endpoint?: string } = {}) => new SecretsManagerClient(options);

async function createSecret(name = 'app/key', value = 'v1') {
  const out = await client().send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return { arn: out.ARN!, versionId: out.VersionId! };
}

async function putValue(value: string, stages?: string[], token: string = randomUUID()) {
  const out = await client().send(
    new PutSecretValueCommand({ SecretId: 'app/key', SecretString: value, ClientRequestToken: token, VersionStages: stages }),
  );
  return out.VersionId!;
}

async function stages(secretId = 'app/key') {
  const out = await client().send(new DescribeSecretCommand({ SecretId: secretId }));
  return out.VersionIdsToStages ?? {};
}

function rejection(name: string, status = 400) {
  return { name, $metadata: expect.objectContaining({ httpStatusCode: status }) };
}

describe('simulated Secrets Manager', () => {
  describe('CreateSecret', () => {
    it(documented('secrets-manager', 'CreateSecret', "If you include SecretString or SecretBinary then Secrets Manager creates an initial secret version and automatically attaches the staging label AWSCURRENT to it.").title, async () => {
      const { arn, versionId } = await createSecret();

      expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:app\/key-[A-Za-z0-9]{6}$/);
      const value = await client().send(new GetSecretValueCommand({ SecretId: 'app/key' }));
      expect(value).toMatchObject({ ARN: arn, Name: 'app/key', SecretString: 'v1', VersionId: versionId, VersionStages: ['AWSCURRENT'] });
    });

    it('returns the tags given at creation from DescribeSecret', async () => {
      await client().send(
        new CreateSecretCommand({ Name: 'tagged', SecretString: 'x', Tags: [{ Key: 'keyturn:lock', Value: 'exec-1' }] }),
      );

      const out = await client().send(new DescribeSecretCommand({ SecretId: 'tagged' }));

      expect(out.Tags).toEqual([{ Key: 'keyturn:lock', Value: 'exec-1' }]);
    });

    it(documented('secrets-manager', 'TagResource', "This operation appends tags to the existing list of tags.").title, async () => {
      await client().send(new CreateSecretCommand({ Name: 'tagged', SecretString: 'x', Tags: [{ Key: 'a', Value: '1' }] }));

      await client().send(new TagResourceCommand({ SecretId: 'tagged', Tags: [{ Key: 'a', Value: '2' }, { Key: 'b', Value: '3' }] }));

      const out = await client().send(new DescribeSecretCommand({ SecretId: 'tagged' }));
      expect(out.Tags).toEqual([{ Key: 'a', Value: '2' }, { Key: 'b', Value: '3' }]);
    });

    it(documented('secrets-manager', 'CreateSecret', "If a version with this value already exists and the version SecretString and SecretBinary values are the same as those in the request, then the request is ignored.").title, async () => {
      const token = randomUUID();
      const first = await client().send(new CreateSecretCommand({ Name: 'app/key', SecretString: 'v1', ClientRequestToken: token }));

      const retried = await client().send(new CreateSecretCommand({ Name: 'app/key', SecretString: 'v1', ClientRequestToken: token }));

      expect(retried).toMatchObject({ ARN: first.ARN, VersionId: token });
      expect(await stages()).toEqual({ [token]: ['AWSCURRENT'] });
    });

    it(documented('secrets-manager', 'CreateSecret', "If a version with this value already exists and that version's SecretString and SecretBinary values are different from those in the request, then the request fails because you cannot modify an existing version.").title, async () => {
      const token = randomUUID();
      await client().send(new CreateSecretCommand({ Name: 'app/key', SecretString: 'v1', ClientRequestToken: token }));

      await expect(
        client().send(new CreateSecretCommand({ Name: 'app/key', SecretString: 'other', ClientRequestToken: token })),
      ).rejects.toMatchObject(rejection('ResourceExistsException'));
      expect((await client().send(new GetSecretValueCommand({ SecretId: 'app/key' }))).SecretString).toBe('v1');
    });

    it('answers ResourceExistsException to a CreateSecret without a value on a taken name (the documentation is silent: the stricter reading)', async () => {
      const token = randomUUID();
      await client().send(new CreateSecretCommand({ Name: 'app/key', ClientRequestToken: token }));

      await expect(client().send(new CreateSecretCommand({ Name: 'app/key', ClientRequestToken: token }))).rejects.toMatchObject(
        rejection('ResourceExistsException'),
      );
    });

    it(documented('secrets-manager', 'CreateSecret', "The ARN, key ID, or alias of the KMS key that Secrets Manager uses to encrypt the secret value in the secret. An alias is always prefixed by alias/, for example alias/aws/secretsmanager.").title, async () => {
      const accepted = [
        '1234abcd-12ab-34cd-56ef-1234567890ab',
        'mrk-0123456789abcdef0123456789abcdef',
        'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        'alias/keyturn',
        'arn:aws:kms:us-east-1:123456789012:alias/keyturn',
      ];
      for (const [i, KmsKeyId] of accepted.entries()) {
        await client().send(new CreateSecretCommand({ Name: `kms-${i}`, SecretString: 'x', KmsKeyId }));
        expect((await client().send(new DescribeSecretCommand({ SecretId: `kms-${i}` }))).KmsKeyId).toBe(KmsKeyId);
      }
      for (const KmsKeyId of ['keyturn', 'arn:aws:kms:us-east-1:123456789012:key/not a key', 'aws/secretsmanager']) {
        await expect(client().send(new CreateSecretCommand({ Name: 'kms-bad', SecretString: 'x', KmsKeyId }))).rejects.toMatchObject(rejection('InvalidParameterException'));
      }
    });

    it('rejects CreateSecret on an existing name (ResourceExistsException)', async () => {
      await createSecret();

      await expect(client().send(new CreateSecretCommand({ Name: 'app/key', SecretString: 'v2' }))).rejects.toMatchObject(
        rejection('ResourceExistsException'),
      );
    });

    it(documented('secrets-manager', 'CreateSecret', "To create a secret, you can provide the secret value to be encrypted in either the SecretString parameter or the SecretBinary parameter, but not both.").title, async () => {
      const both = new CreateSecretCommand({ Name: 'both', SecretString: 'x', SecretBinary: new Uint8Array([1]) });

      await expect(client().send(both)).rejects.toMatchObject(rejection('InvalidParameterException'));
    });

    it('accepts a value of exactly 65,536 bytes and rejects one byte more (InvalidParameterException)', async () => {
      await client().send(new CreateSecretCommand({ Name: 'max', SecretString: 'a'.repeat(65_536) }));

      await expect(client().send(new CreateSecretCommand({ Name: 'over', SecretString: 'é'.repeat(32_768) + 'a' }))).rejects.toMatchObject(
        rejection('InvalidParameterException'),
      );
    });

    it('stores and returns a binary value', async () => {
      await client().send(new CreateSecretCommand({ Name: 'bin', SecretBinary: new Uint8Array([0, 1, 2, 255]) }));

      const out = await client().send(new GetSecretValueCommand({ SecretId: 'bin' }));

      expect(Array.from(out.SecretBinary ?? [])).toEqual([0, 1, 2, 255]);
      expect(out.SecretString).toBeUndefined();
    });
  });

  describe('GetSecretValue', () => {
    it('finds a secret by full ARN and by ARN without the suffix', async () => {
      const { arn } = await createSecret();

      const byArn = await client().send(new GetSecretValueCommand({ SecretId: arn }));
      const byPartialArn = await client().send(new GetSecretValueCommand({ SecretId: arn.slice(0, -7) }));

      expect(byArn.SecretString).toBe('v1');
      expect(byPartialArn.SecretString).toBe('v1');
    });

    it('answers ResourceNotFoundException for an unknown secret', async () => {
      await expect(client().send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toMatchObject(
        rejection('ResourceNotFoundException'),
      );
    });

    it(documented('secrets-manager', 'GetSecretValue', "If you don't specify either a VersionStage or VersionId, then Secrets Manager returns the AWSCURRENT version.").title, async () => {
      const { versionId: v1 } = await createSecret();
      const v2 = await putValue('v2', ['AWSPENDING']);

      const pending = await client().send(new GetSecretValueCommand({ SecretId: 'app/key', VersionStage: 'AWSPENDING' }));
      const first = await client().send(new GetSecretValueCommand({ SecretId: 'app/key', VersionId: v1 }));

      expect(pending).toMatchObject({ VersionId: v2, SecretString: 'v2', VersionStages: ['AWSPENDING'] });
      expect(first).toMatchObject({ VersionId: v1, SecretString: 'v1' });
    });

    it(documented('secrets-manager', 'GetSecretValue', "If you include both this parameter and VersionStage, the two parameters must refer to the same secret version.").title, async () => {
      const { versionId: v1 } = await createSecret();
      await putValue('v2');

      await expect(
        client().send(new GetSecretValueCommand({ SecretId: 'app/key', VersionId: v1, VersionStage: 'AWSCURRENT' })),
      ).rejects.toMatchObject(rejection('ResourceNotFoundException'));
      const previous = await client().send(new GetSecretValueCommand({ SecretId: 'app/key', VersionId: v1, VersionStage: 'AWSPREVIOUS' }));
      expect(previous.SecretString).toBe('v1');
    });

    it('answers ResourceNotFoundException for a staging label no version has', async () => {
      await createSecret();

      await expect(
        client().send(new GetSecretValueCommand({ SecretId: 'app/key', VersionStage: 'AWSPENDING' })),
      ).rejects.toMatchObject(rejection('ResourceNotFoundException'));
    });
  });

  describe('PutSecretValue', () => {
    it(documented('secrets-manager', 'PutSecretValue', "If this operation creates the first version for the secret, then Secrets Manager automatically attaches the staging label AWSCURRENT to it.").title, async () => {
      await client().send(new CreateSecretCommand({ Name: 'app/key' }));

      const out = await client().send(new PutSecretValueCommand({ SecretId: 'app/key', SecretString: 'p1', VersionStages: ['AWSPENDING'] }));

      expect(out.VersionStages?.sort()).toEqual(['AWSCURRENT', 'AWSPENDING']);
      expect(await stages()).toEqual({ [out.VersionId!]: expect.arrayContaining(['AWSCURRENT', 'AWSPENDING']) });
      expect((await client().send(new GetSecretValueCommand({ SecretId: 'app/key' }))).SecretString).toBe('p1');
      // Only the first: the next AWSPENDING version leaves AWSCURRENT where it is.
      const next = await putValue('p2', ['AWSPENDING']);
      expect((await stages())[next]).toEqual(['AWSPENDING']);
      expect((await stages())[out.VersionId!]).toEqual(['AWSCURRENT']);
    });

    it(documented('secrets-manager', 'PutSecretValue', "If you don't include VersionStages, then Secrets Manager automatically moves the staging label AWSCURRENT to this version.").title, async () => {
      const { versionId: v1 } = await createSecret();

      const v2 = await putValue('v2');

      expect((await stages())[v2]).toEqual(['AWSCURRENT']);
      expect((await stages())[v1]).toEqual(['AWSPREVIOUS']);
    });

    it(documented('secrets-manager', 'PutSecretValue', "Secrets Manager keeps 100 of the most recent versions, but it keeps all secret versions created in the last 24 hours.").title, async () => {
      await createSecret();
      const oldest = await putValue('deprecated-0', ['scratch']);
      for (let i = 1; i <= 101; i += 1) await putValue(`deprecated-${i}`, ['scratch']);
      const all = async () => {
        const ids: string[] = [];
        let NextToken: string | undefined;
        do {
          const page = await client().send(new ListSecretVersionIdsCommand({ SecretId: 'app/key', IncludeDeprecated: true, NextToken }));
          ids.push(...page.Versions!.map((v) => v.VersionId!));
          NextToken = page.NextToken;
        } while (NextToken);
        return ids;
      };
      // 101 unlabelled versions (plus AWSCURRENT's and the scratch label's), all from the last 24 hours: every one is kept.
      expect((await all()).length).toBe(103);

      await sim.admin('POST', '/_sim/clock', { advanceSeconds: 86_400 });
      await putValue('deprecated-102', ['scratch']);

      const kept = await all();
      // 102 unlabelled now, all a day old: the two oldest go, 100 stay beside the two labelled.
      expect(kept.length).toBe(102);
      expect(kept).not.toContain(oldest);
    });

    it(documented('secrets-manager', 'PutSecretValue', "If this operation moves the staging label AWSCURRENT from another version to this version, then Secrets Manager also automatically moves the staging label AWSPREVIOUS to the version that AWSCURRENT was removed from.").title, async () => {
      const { versionId: v1 } = await createSecret();

      const v2 = await putValue('v2');

      expect(await stages()).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
      const current = await client().send(new GetSecretValueCommand({ SecretId: 'app/key' }));
      expect(current.SecretString).toBe('v2');
    });

    it('takes AWSPREVIOUS off the version that had it when AWSCURRENT moves again', async () => {
      const { versionId: v1 } = await createSecret();
      const v2 = await putValue('v2');

      const v3 = await putValue('v3');

      expect(await stages()).toEqual({ [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT'] });
      const all = await client().send(new ListSecretVersionIdsCommand({ SecretId: 'app/key', IncludeDeprecated: true }));
      expect(all.Versions?.find((v) => v.VersionId === v1)?.VersionStages).toEqual([]);
    });

    it('keeps AWSCURRENT where it is when the new value is AWSPENDING', async () => {
      const { versionId: v1 } = await createSecret();

      const v2 = await putValue('v2', ['AWSPENDING']);

      expect(await stages()).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['AWSPENDING'] });
    });

    it(documented('secrets-manager', 'PutSecretValue', "If you specify a staging label that's already associated with a different version of the same secret, then Secrets Manager removes the label from the other version and attaches it to this version.").title, async () => {
      await createSecret();
      const pending1 = await putValue('p1', ['AWSPENDING']);

      const pending2 = await putValue('p2', ['AWSPENDING']);

      const map = await stages();
      expect(map[pending2]).toEqual(['AWSPENDING']);
      expect(map[pending1]).toBeUndefined();
    });

    it(documented('secrets-manager', 'PutSecretValue', "This value becomes the VersionId of the new version.").title, async () => {
      await createSecret();
      const token = randomUUID();

      expect(await putValue('v2', undefined, token)).toBe(token);
    });

    it(documented('secrets-manager', 'PutSecretValue', "If you call this operation with a ClientRequestToken that matches an existing version's VersionId, and you specify the same secret data, the operation succeeds but does nothing.").title, async () => {
      const { versionId: v1 } = await createSecret();
      const token = randomUUID();
      await putValue('v2', ['AWSPENDING'], token);

      const again = await client().send(
        new PutSecretValueCommand({ SecretId: 'app/key', SecretString: 'v2', ClientRequestToken: token }),
      );

      expect(again).toMatchObject({ VersionId: token, VersionStages: ['AWSPENDING'] });
      expect(await stages()).toEqual({ [v1]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });
    });

    it(documented('secrets-manager', 'PutSecretValue', "However, if the secret data is different, then the operation fails because you can't modify an existing version; you can only create new ones.").title, async () => {
      await createSecret();
      const token = randomUUID();
      await putValue('v2', ['AWSPENDING'], token);

      await expect(putValue('other', ['AWSPENDING'], token)).rejects.toMatchObject(rejection('ResourceExistsException'));
    });

    it('rejects a ClientRequestToken shorter than 32 characters (ValidationException)', async () => {
      await createSecret();

      await expect(putValue('v2', undefined, 'too-short')).rejects.toMatchObject(rejection('ValidationException'));
    });

    it('rejects a ClientRequestToken longer than 64 characters (ValidationException)', async () => {
      await createSecret();

      await expect(putValue('v2', undefined, 'x'.repeat(65))).rejects.toMatchObject(rejection('ValidationException'));
    });

    it('rejects a value over 65,536 bytes (InvalidParameterException)', async () => {
      await createSecret();

      await expect(putValue('a'.repeat(65_537))).rejects.toMatchObject(rejection('InvalidParameterException'));
    });

    it('answers ResourceNotFoundException for an unknown secret', async () => {
      await expect(
        client().send(new PutSecretValueCommand({ SecretId: 'nope', SecretString: 'x' })),
      ).rejects.toMatchObject(rejection('ResourceNotFoundException'));
    });
  });

  describe('UpdateSecretVersionStage', () => {
    it(documented('secrets-manager', 'UpdateSecretVersionStage', "Whenever you move AWSCURRENT, Secrets Manager automatically moves the label AWSPREVIOUS to the version that AWSCURRENT was removed from.").title, async () => {
      const { versionId: v1 } = await createSecret();
      const v2 = await putValue('v2', ['AWSPENDING']);

      await client().send(
        new UpdateSecretVersionStageCommand({ SecretId: 'app/key', VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v1 }),
      );

      expect(await stages()).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSPENDING', 'AWSCURRENT'] });
    });

    it(documented('secrets-manager', 'UpdateSecretVersionStage', "If the label is attached and you either do not specify this parameter, or the version ID does not match, then the operation fails.").title, async () => {
      const { versionId: v1 } = await createSecret();
      const v2 = await putValue('v2', ['AWSPENDING']);

      await expect(
        client().send(new UpdateSecretVersionStageCommand({ SecretId: 'app/key', VersionStage: 'AWSCURRENT', MoveToVersionId: v2 })),
      ).rejects.toMatchObject(rejection('InvalidParameterException'));
      expect(await stages()).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['AWSPENDING'] });
    });

    it('rejects a RemoveFromVersionId that does not hold the label (InvalidParameterException)', async () => {
      await createSecret();
      const v2 = await putValue('v2', ['AWSPENDING']);
      const v3 = await putValue('v3', ['OTHER']);

      await expect(
        client().send(
          new UpdateSecretVersionStageCommand({ SecretId: 'app/key', VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v3 }),
        ),
      ).rejects.toMatchObject(rejection('InvalidParameterException'));
    });

    it('removes a label from a version with RemoveFromVersionId alone', async () => {
      const { versionId: v1 } = await createSecret();
      const v2 = await putValue('v2', ['AWSPENDING']);

      await client().send(new UpdateSecretVersionStageCommand({ SecretId: 'app/key', VersionStage: 'AWSPENDING', RemoveFromVersionId: v2 }));

      expect(await stages()).toEqual({ [v1]: ['AWSCURRENT'] });
    });

    it('refuses to remove AWSCURRENT without moving it (InvalidParameterException)', async () => {
      const { versionId: v1 } = await createSecret();

      await expect(
        client().send(new UpdateSecretVersionStageCommand({ SecretId: 'app/key', VersionStage: 'AWSCURRENT', RemoveFromVersionId: v1 })),
      ).rejects.toMatchObject(rejection('InvalidParameterException'));
    });

    it('puts a label that no version has on the target without RemoveFromVersionId', async () => {
      const { versionId: v1 } = await createSecret();

      await client().send(new UpdateSecretVersionStageCommand({ SecretId: 'app/key', VersionStage: 'AWSPENDING', MoveToVersionId: v1 }));

      expect(await stages()).toEqual({ [v1]: ['AWSCURRENT', 'AWSPENDING'] });
    });

    it('answers ResourceNotFoundException for an unknown MoveToVersionId', async () => {
      await createSecret();

      await expect(
        client().send(
          new UpdateSecretVersionStageCommand({ SecretId: 'app/key', VersionStage: 'AWSPENDING', MoveToVersionId: randomUUID() }),
        ),
      ).rejects.toMatchObject(rejection('ResourceNotFoundException'));
    });
  });

  describe('ListSecretVersionIds and DescribeSecret', () => {
    it('returns VersionIdsToStages from DescribeSecret', async () => {
      const { arn, versionId: v1 } = await createSecret();

      const out = await client().send(new DescribeSecretCommand({ SecretId: 'app/key' }));

      expect(out).toMatchObject({ ARN: arn, Name: 'app/key', VersionIdsToStages: { [v1]: ['AWSCURRENT'] } });
      expect(out.CreatedDate).toBeInstanceOf(Date);
    });

    it(documented('secrets-manager', 'ListSecretVersionIds', "By default, versions without staging labels aren't included.").title, async () => {
      const { versionId: v1 } = await createSecret();
      const v2 = await putValue('v2');
      const v3 = await putValue('v3');

      const labelled = await client().send(new ListSecretVersionIdsCommand({ SecretId: 'app/key' }));
      const all = await client().send(new ListSecretVersionIdsCommand({ SecretId: 'app/key', IncludeDeprecated: true }));

      expect(labelled.Versions?.map((v) => v.VersionId).sort()).toEqual([v2, v3].sort());
      expect(all.Versions?.map((v) => v.VersionId).sort()).toEqual([v1, v2, v3].sort());
      const old = await client().send(new GetSecretValueCommand({ SecretId: 'app/key', VersionId: v1 }));
      expect(old.SecretString).toBe('v1');
    });

    it(documented('secrets-manager', 'DescribeSecret', "Secrets Manager only returns fields that have a value in the response.").title, async () => {
      await client().send(new CreateSecretCommand({ Name: 'app/key' }));

      const out = await client().send(new DescribeSecretCommand({ SecretId: 'app/key' }));

      expect(out).not.toHaveProperty('Tags');
      expect(out).not.toHaveProperty('VersionIdsToStages');
      expect(out).not.toHaveProperty('Description');
    });

    it(documented('secrets-manager', 'UntagResource', "If a requested tag is not attached to the secret, no error is returned and the secret metadata is unchanged.").title, async () => {
      await client().send(new CreateSecretCommand({ Name: 'app/key', SecretString: 'x', Tags: [{ Key: 'a', Value: '1' }] }));

      await client().send(new UntagResourceCommand({ SecretId: 'app/key', TagKeys: ['not-there'] }));

      expect((await client().send(new DescribeSecretCommand({ SecretId: 'app/key' }))).Tags).toEqual([{ Key: 'a', Value: '1' }]);
    });

    it(documented('secrets-manager', 'ListSecrets', "By default, secrets scheduled for deletion aren't included.").title, async () => {
      await client().send(new CreateSecretCommand({ Name: 'kept', SecretString: 'x' }));
      await client().send(new CreateSecretCommand({ Name: 'going', SecretString: 'x' }));
      await client().send(new DeleteSecretCommand({ SecretId: 'going', RecoveryWindowInDays: 7 }));

      const listed = await client().send(new ListSecretsCommand({}));
      const withDeleted = await client().send(new ListSecretsCommand({ IncludePlannedDeletion: true }));

      expect(listed.SecretList?.map((x) => x.Name)).toEqual(['kept']);
      expect(withDeleted.SecretList?.map((x) => x.Name).sort()).toEqual(['going', 'kept']);
    });

    it('lists secrets filtered by tag key', async () => {
      await client().send(new CreateSecretCommand({ Name: 'a', SecretString: 'x', Tags: [{ Key: 'team', Value: 'edge' }] }));
      await client().send(new CreateSecretCommand({ Name: 'b', SecretString: 'x' }));

      const out = await client().send(new ListSecretsCommand({ Filters: [{ Key: 'tag-key', Values: ['team'] }] }));

      expect(out.SecretList?.map((s) => s.Name)).toEqual(['a']);
    });
  });

  describe('DeleteSecret', () => {
    it(documented('secrets-manager', 'DeleteSecret', "When a secret is scheduled for deletion, you cannot retrieve the secret value.").title, async () => {
      await createSecret();

      const out = await client().send(new DeleteSecretCommand({ SecretId: 'app/key', RecoveryWindowInDays: 7 }));

      expect(out.DeletionDate!.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
      await expect(client().send(new GetSecretValueCommand({ SecretId: 'app/key' }))).rejects.toMatchObject(
        rejection('InvalidRequestException'),
      );
      const described = await client().send(new DescribeSecretCommand({ SecretId: 'app/key' }));
      expect(described.DeletedDate).toBeInstanceOf(Date);
    });

    it('refuses CreateSecret on the name of a secret scheduled for deletion (InvalidRequestException)', async () => {
      await createSecret();
      await client().send(new DeleteSecretCommand({ SecretId: 'app/key' }));

      await expect(client().send(new CreateSecretCommand({ Name: 'app/key', SecretString: 'v' }))).rejects.toMatchObject(
        rejection('InvalidRequestException'),
      );
    });

    it(documented('secrets-manager', 'RestoreSecret', "Cancels the scheduled deletion of a secret by removing the DeletedDate time stamp.").title, async () => {
      await createSecret();
      await client().send(new DeleteSecretCommand({ SecretId: 'app/key' }));

      await client().send(new RestoreSecretCommand({ SecretId: 'app/key' }));

      const value = await client().send(new GetSecretValueCommand({ SecretId: 'app/key' }));
      expect(value.SecretString).toBe('v1');
    });

    it('forgets a secret at once with ForceDeleteWithoutRecovery', async () => {
      await createSecret();

      await client().send(new DeleteSecretCommand({ SecretId: 'app/key', ForceDeleteWithoutRecovery: true }));

      await expect(client().send(new DescribeSecretCommand({ SecretId: 'app/key' }))).rejects.toMatchObject(
        rejection('ResourceNotFoundException'),
      );
      await createSecret(); // the name is free again
    });

    it(documented('secrets-manager', 'DeleteSecret', "At the end of the recovery window, Secrets Manager deletes the secret permanently.").title, async () => {
      await createSecret();
      await client().send(new DeleteSecretCommand({ SecretId: 'app/key', RecoveryWindowInDays: 7 }));

      await sim.admin('POST', '/_sim/clock', { advanceSeconds: 7 * 86_400 + 1 });

      await expect(client().send(new DescribeSecretCommand({ SecretId: 'app/key' }))).rejects.toMatchObject(
        rejection('ResourceNotFoundException'),
      );
    });

    it(documented('secrets-manager', 'DeleteSecret', "If you forcibly delete an already deleted or nonexistent secret, the operation does not return ResourceNotFoundException.").title, async () => {
      const out = await client().send(new DeleteSecretCommand({ SecretId: 'never-existed', ForceDeleteWithoutRecovery: true }));
      await createSecret();
      await client().send(new DeleteSecretCommand({ SecretId: 'app/key', ForceDeleteWithoutRecovery: true }));

      await client().send(new DeleteSecretCommand({ SecretId: 'app/key', ForceDeleteWithoutRecovery: true }));

      expect(out.Name).toBe('never-existed');
      // Without ForceDeleteWithoutRecovery, an unknown secret is still ResourceNotFoundException.
      await expect(client().send(new DeleteSecretCommand({ SecretId: 'never-existed' }))).rejects.toMatchObject(
        rejection('ResourceNotFoundException'),
      );
    });

    it(documented('secrets-manager', 'DeleteSecret', "You can't use both this parameter and RecoveryWindowInDays in the same call.").title, async () => {
      await createSecret();

      await expect(
        client().send(new DeleteSecretCommand({ SecretId: 'app/key', ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 })),
      ).rejects.toMatchObject(rejection('InvalidParameterException'));
    });

    it(documented('secrets-manager', 'DeleteSecret', "The number of days from 7 to 30 that Secrets Manager waits before permanently deleting the secret.").title, async () => {
      await createSecret();

      await expect(
        client().send(new DeleteSecretCommand({ SecretId: 'app/key', RecoveryWindowInDays: 6 })),
      ).rejects.toMatchObject(rejection('InvalidParameterException'));
    });
  });

  describe('faults and persistence', () => {
    it('answers throttling with ThrottlingException, which the SDK retries', async () => {
      await createSecret();
      await sim.admin('POST', '/_sim/faults', { service: 'secretsmanager', operation: 'GetSecretValue', throttle: true, count: 1 });

      const out = await client().send(new GetSecretValueCommand({ SecretId: 'app/key' }));

      expect(out.SecretString).toBe('v1');
      expect(out.$metadata.attempts).toBe(2);
      const { calls } = await sim.admin<{ calls: { errorCode?: string; status: number }[] }>(
        'GET',
        '/_sim/calls?service=secretsmanager&operation=GetSecretValue',
      );
      expect(calls.map((c) => c.errorCode ?? c.status)).toEqual(['ThrottlingException', 200]);
    });

    it('surfaces an injected InternalServiceError and changes nothing', async () => {
      const { versionId: v1 } = await createSecret();
      await sim.admin('POST', '/_sim/faults', {
        service: 'secretsmanager',
        operation: 'PutSecretValue',
        error: { code: 'InternalServiceError', status: 500 },
        count: 1,
      });

      await expect(
        client({ maxAttempts: 1 }).send(new PutSecretValueCommand({ SecretId: 'app/key', SecretString: 'v2' })),
      ).rejects.toMatchObject({ name: 'InternalServiceError', $fault: 'server', $metadata: expect.objectContaining({ httpStatusCode: 500 }) });
      expect(await stages()).toEqual({ [v1]: ['AWSCURRENT'] });
    });

    it('keeps secrets and their labels across a restart with a state file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'keyturn-sm-'));
      const stateFile = join(dir, 'state.json');
      try {
        const first = await startSimulator({ port: 0, stateFile });
        let v1: string;
        let v2: string;
        try {
          const c = client({ endpoint: first.url });
          v1 = (await c.send(new CreateSecretCommand({ Name: 'kept', SecretString: 'v1', Tags: [{ Key: 'k', Value: 'v' }] }))).VersionId!;
          v2 = (await c.send(new PutSecretValueCommand({ SecretId: 'kept', SecretString: 'v2', VersionStages: ['AWSPENDING'] }))).VersionId!;
        } finally {
          await first.close();
        }

        const second = await startSimulator({ port: 0, stateFile });
        try {
          const c = client({ endpoint: second.url });
          const described = await c.send(new DescribeSecretCommand({ SecretId: 'kept' }));
          expect(described.VersionIdsToStages).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['AWSPENDING'] });
          expect(described.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
          const pending = await c.send(new GetSecretValueCommand({ SecretId: 'kept', VersionStage: 'AWSPENDING' }));
          expect(pending.SecretString).toBe('v2');
        } finally {
          await second.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
