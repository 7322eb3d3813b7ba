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
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { startSimulator } from '../../src/local/sim/server';
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
    it('stores the first value as AWSCURRENT under an ARN with a 6-character suffix', async () => {
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

    it('adds and replaces tags with TagResource', async () => {
      await client().send(new CreateSecretCommand({ Name: 'tagged', SecretString: 'x', Tags: [{ Key: 'a', Value: '1' }] }));

      await client().send(new TagResourceCommand({ SecretId: 'tagged', Tags: [{ Key: 'a', Value: '2' }, { Key: 'b', Value: '3' }] }));

      const out = await client().send(new DescribeSecretCommand({ SecretId: 'tagged' }));
      expect(out.Tags).toEqual([{ Key: 'a', Value: '2' }, { Key: 'b', Value: '3' }]);
    });

    it('rejects CreateSecret on an existing name (ResourceExistsException)', async () => {
      await createSecret();

      await expect(client().send(new CreateSecretCommand({ Name: 'app/key', SecretString: 'v2' }))).rejects.toMatchObject(
        rejection('ResourceExistsException'),
      );
    });

    it('rejects SecretString and SecretBinary together (InvalidParameterException)', async () => {
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

    it('selects a version by VersionStage or VersionId', async () => {
      const { versionId: v1 } = await createSecret();
      const v2 = await putValue('v2', ['AWSPENDING']);

      const pending = await client().send(new GetSecretValueCommand({ SecretId: 'app/key', VersionStage: 'AWSPENDING' }));
      const first = await client().send(new GetSecretValueCommand({ SecretId: 'app/key', VersionId: v1 }));

      expect(pending).toMatchObject({ VersionId: v2, SecretString: 'v2', VersionStages: ['AWSPENDING'] });
      expect(first).toMatchObject({ VersionId: v1, SecretString: 'v1' });
    });

    it('answers ResourceNotFoundException for a staging label no version has', async () => {
      await createSecret();

      await expect(
        client().send(new GetSecretValueCommand({ SecretId: 'app/key', VersionStage: 'AWSPENDING' })),
      ).rejects.toMatchObject(rejection('ResourceNotFoundException'));
    });
  });

  describe('PutSecretValue', () => {
    it('moves AWSCURRENT to the new version and gives the old one AWSPREVIOUS', async () => {
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

    it('moves a label that another version holds (one version per label)', async () => {
      await createSecret();
      const pending1 = await putValue('p1', ['AWSPENDING']);

      const pending2 = await putValue('p2', ['AWSPENDING']);

      const map = await stages();
      expect(map[pending2]).toEqual(['AWSPENDING']);
      expect(map[pending1]).toBeUndefined();
    });

    it('uses the ClientRequestToken as the VersionId', async () => {
      await createSecret();
      const token = randomUUID();

      expect(await putValue('v2', undefined, token)).toBe(token);
    });

    it('treats a repeated ClientRequestToken with the same value as a no-op', async () => {
      const { versionId: v1 } = await createSecret();
      const token = randomUUID();
      await putValue('v2', ['AWSPENDING'], token);

      const again = await client().send(
        new PutSecretValueCommand({ SecretId: 'app/key', SecretString: 'v2', ClientRequestToken: token }),
      );

      expect(again).toMatchObject({ VersionId: token, VersionStages: ['AWSPENDING'] });
      expect(await stages()).toEqual({ [v1]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });
    });

    it('rejects a repeated ClientRequestToken with another value (ResourceExistsException)', async () => {
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
    it('moves AWSCURRENT when RemoveFromVersionId names its holder, giving that version AWSPREVIOUS', async () => {
      const { versionId: v1 } = await createSecret();
      const v2 = await putValue('v2', ['AWSPENDING']);

      await client().send(
        new UpdateSecretVersionStageCommand({ SecretId: 'app/key', VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v1 }),
      );

      expect(await stages()).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSPENDING', 'AWSCURRENT'] });
    });

    it('rejects moving a label without naming the version that holds it (InvalidParameterException)', async () => {
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

    it('keeps versions without labels, listed only with IncludeDeprecated', async () => {
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

    it('lists secrets filtered by tag key', async () => {
      await client().send(new CreateSecretCommand({ Name: 'a', SecretString: 'x', Tags: [{ Key: 'team', Value: 'edge' }] }));
      await client().send(new CreateSecretCommand({ Name: 'b', SecretString: 'x' }));

      const out = await client().send(new ListSecretsCommand({ Filters: [{ Key: 'tag-key', Values: ['team'] }] }));

      expect(out.SecretList?.map((s) => s.Name)).toEqual(['a']);
    });
  });

  describe('DeleteSecret', () => {
    it('refuses GetSecretValue on a secret scheduled for deletion (InvalidRequestException)', async () => {
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

    it('restores a secret scheduled for deletion', async () => {
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

    it('forgets a scheduled secret once its recovery window has passed on the simulator clock', async () => {
      await createSecret();
      await client().send(new DeleteSecretCommand({ SecretId: 'app/key', RecoveryWindowInDays: 7 }));

      await sim.admin('POST', '/_sim/clock', { advanceSeconds: 7 * 86_400 + 1 });

      await expect(client().send(new DescribeSecretCommand({ SecretId: 'app/key' }))).rejects.toMatchObject(
        rejection('ResourceNotFoundException'),
      );
    });

    it('rejects ForceDeleteWithoutRecovery with RecoveryWindowInDays (InvalidParameterException)', async () => {
      await createSecret();

      await expect(
        client().send(new DeleteSecretCommand({ SecretId: 'app/key', ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 })),
      ).rejects.toMatchObject(rejection('InvalidParameterException'));
    });

    it('rejects a recovery window outside 7 to 30 days (InvalidParameterException)', async () => {
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
