import { DescribeSecretCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { RotationInProgressError } from '../../../src/errors';
import { assertCurrentUnchanged, assertNoOtherRotation, finishRotation, underLock } from '../../../src/rotation/lock';

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({});
const log = { debug() {}, info() {}, warn() {}, error() {} };

afterEach(() => sm.reset());

describe('assertNoOtherRotation (the rotation lock)', () => {
  const versions = (stages: Record<string, string[]>) => ({
    secretId: 'keyturn/s',
    stagesByVersion: stages,
    pendingVersionId: Object.keys(stages).find((v) => stages[v]?.includes('AWSPENDING')),
  });

  it('reports rotation in progress when another rotation holds AWSPENDING', () => {
    expect(() => assertNoOtherRotation(versions({ theirs: ['AWSPENDING'], cur: ['AWSCURRENT'] }), ['mine'])).toThrow(RotationInProgressError);
    expect(() => assertNoOtherRotation(versions({ theirs: ['AWSPENDING'] }), ['mine'])).toThrow(/rotation in progress/);
  });

  it('lets the same rotation resume, and ignores a stale pending label on the current version', () => {
    expect(() => assertNoOtherRotation(versions({ mine: ['AWSPENDING'] }), ['mine'])).not.toThrow();
    expect(() => assertNoOtherRotation(versions({ old: ['AWSPENDING', 'AWSCURRENT'] }), ['mine'])).not.toThrow();
    expect(() => assertNoOtherRotation(undefined, ['mine'])).not.toThrow();
  });
});

describe('assertCurrentUnchanged (step 1\'s decision still holds when the lock is taken)', () => {
  const withCurrent = (currentVersionId?: string) => ({ secretId: 'keyturn/s', stagesByVersion: currentVersionId ? { [currentVersionId]: ['AWSCURRENT'] } : {}, currentVersionId });

  it('passes while AWSCURRENT is where step 1 saw it, or still nowhere', () => {
    expect(() => assertCurrentUnchanged(withCurrent('v1'), 'keyturn/s', 'v1')).not.toThrow();
    expect(() => assertCurrentUnchanged(withCurrent(), 'keyturn/s', null)).not.toThrow();
    expect(() => assertCurrentUnchanged(undefined, 'keyturn/s', null)).not.toThrow();
  });

  it('stops the run when AWSCURRENT moved since step 1, naming both versions', () => {
    expect(() => assertCurrentUnchanged(withCurrent('v2'), 'keyturn/s', 'v1')).toThrow(RotationInProgressError);
    expect(() => assertCurrentUnchanged(withCurrent('v2'), 'keyturn/s', 'v1')).toThrow(/AWSCURRENT is v2, it was v1/);
    // A first rotation: another run created the secret and promoted its key meanwhile.
    expect(() => assertCurrentUnchanged(withCurrent('v2'), 'keyturn/s', null)).toThrow(/it was on no version/);
  });
});

describe('underLock', () => {
  it('reports a failure as RotationInProgressError when another rotation took AWSPENDING meanwhile', async () => {
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { theirs: ['AWSPENDING'], old: ['AWSCURRENT'] } });
    await expect(underLock(client, 'keyturn/k', ['ours'], () => Promise.reject(new Error('version lost its label')))).rejects.toBeInstanceOf(RotationInProgressError);
  });

  it('rethrows the failure as it is when the lock is still ours', async () => {
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { ours: ['AWSPENDING'], old: ['AWSCURRENT'] } });
    await expect(underLock(client, 'keyturn/k', ['ours'], () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});

describe('finishRotation', () => {
  const lock = { secretId: 'keyturn/s', ownVersionIds: ['mine'] };

  it('moves AWSCURRENT to our pending version while we hold the lock', async () => {
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { old: ['AWSCURRENT'], mine: ['AWSPENDING'] } });
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    expect(await finishRotation(client, lock, 'mine', log)).toEqual({ currentVersionId: 'mine', previousVersionId: 'old' });
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toMatchObject({ VersionStage: 'AWSCURRENT', MoveToVersionId: 'mine' });
  });

  it('promotes nothing when another rotation took AWSPENDING', async () => {
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { old: ['AWSCURRENT'], mine: [], theirs: ['AWSPENDING'] } });
    await expect(finishRotation(client, lock, 'mine', log)).rejects.toBeInstanceOf(RotationInProgressError);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });

  it('reports a failed move as the lock lost when another rotation took it meanwhile', async () => {
    sm.on(DescribeSecretCommand)
      .resolvesOnce({ VersionIdsToStages: { old: ['AWSCURRENT'], mine: ['AWSPENDING'] } })
      .resolves({ VersionIdsToStages: { old: ['AWSCURRENT'], mine: [], theirs: ['AWSPENDING'] } });
    sm.on(UpdateSecretVersionStageCommand).rejects(new Error('version lost its label'));
    await expect(finishRotation(client, lock, 'mine', log)).rejects.toBeInstanceOf(RotationInProgressError);
  });

  it('is a no-op beyond clearing AWSPENDING when our version is already current (a rerun)', async () => {
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { mine: ['AWSCURRENT'], old: ['AWSPREVIOUS'], theirs: ['AWSPENDING'] } });
    expect(await finishRotation(client, lock, 'mine', log)).toEqual({ currentVersionId: 'mine', previousVersionId: 'old' });
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });
});
