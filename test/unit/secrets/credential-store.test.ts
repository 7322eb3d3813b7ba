import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from '../../../src/zod';
import { TransientAwsError } from '../../../src/errors';
import {
  attemptRotationId,
  describeSecretVersions,
  dropPending,
  ensureSecret,
  FIRST_VERSION_LABEL,
  NO_CREDENTIAL_VALUE,
  NO_CREDENTIAL_VERSION_ID,
  markNotified,
  NOTIFIED_TAG,
  promoteToCurrent,
  putPendingVersion,
  readVersion,
  resolveRotationAttempt,
  rotationVersionId,
  wasNotified,
} from '../../../src/secrets/credential-store';
import { SecretValueInvalidError } from '../../../src/secrets/errors';

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({});
const log = { debug() {}, info() {}, warn() {}, error() {} };
const notFound = () => new ResourceNotFoundException({ message: 'nope', $metadata: {} });
const schema = z.object({ n: z.number() });

afterEach(() => sm.reset());

describe('rotationVersionId', () => {
  it('is a valid ClientRequestToken, stable per rotation and purpose', () => {
    const a = rotationVersionId('exec-1', 'key');
    expect(a).toMatch(/^[A-Za-z0-9-]{32,64}$/);
    expect(rotationVersionId('exec-1', 'key')).toBe(a);
    expect(rotationVersionId('exec-1', 'recorded')).not.toBe(a);
    expect(rotationVersionId('x'.repeat(80), 'key').length).toBeLessThanOrEqual(64);
  });
});

describe('readVersion', () => {
  it('returns undefined when the version does not exist', async () => {
    sm.on(GetSecretValueCommand).rejects(notFound());
    expect(await readVersion(client, 'keyturn/s', 'v1', schema)).toBeUndefined();
  });

  it('names the field that fails the schema without echoing the value', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ n: 'PRIVATE-MATERIAL' }) });
    const error = await readVersion(client, 'keyturn/s', 'v1', schema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretValueInvalidError);
    expect((error as Error).message).toContain('n:');
    expect((error as Error).message).not.toContain('PRIVATE-MATERIAL');
  });

  it('turns throttling left over after SDK retries into TransientAwsError', async () => {
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(readVersion(client, 'keyturn/s', 'v1', schema)).rejects.toBeInstanceOf(TransientAwsError);
  });
});

describe('ensureSecret', () => {
  it('creates a missing secret whose first version (AWSCURRENT, as any first version) is the no-credential marker', async () => {
    sm.on(DescribeSecretCommand).rejects(notFound());
    sm.on(CreateSecretCommand).resolves({});
    expect(await ensureSecret(client, { secretId: 'keyturn/s', description: 'd' }, log)).toEqual({ created: true });
    expect(sm.commandCalls(CreateSecretCommand)[0]?.args[0].input).toMatchObject({
      Name: 'keyturn/s',
      SecretString: JSON.stringify(NO_CREDENTIAL_VALUE),
      ClientRequestToken: NO_CREDENTIAL_VERSION_ID,
    });
  });

  it('writes nothing more when a secret created meanwhile has a version', async () => {
    sm.on(DescribeSecretCommand).rejectsOnce(notFound()).resolves({ VersionIdsToStages: { v1: ['AWSCURRENT'] } });
    sm.on(CreateSecretCommand).rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    expect(await ensureSecret(client, { secretId: 'keyturn/s', description: 'd' }, log)).toEqual({ created: false });
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('gives a secret made by hand without a value the marker, labelled so that it takes AWSCURRENT only as the first version', async () => {
    sm.on(DescribeSecretCommand).resolves({});
    sm.on(CreateSecretCommand).rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    sm.on(PutSecretValueCommand).resolves({});
    expect(await ensureSecret(client, { secretId: 'keyturn/s', description: 'd' }, log)).toEqual({ created: false });
    expect(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'keyturn/s',
      ClientRequestToken: NO_CREDENTIAL_VERSION_ID,
      SecretString: JSON.stringify(NO_CREDENTIAL_VALUE),
      VersionStages: [FIRST_VERSION_LABEL],
    });
  });
});

describe('describeSecretVersions', () => {
  it('reports the no-credential marker as no current (or previous) credential, and names it as the AWSCURRENT holder', async () => {
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { [NO_CREDENTIAL_VERSION_ID]: ['AWSCURRENT'], p1: ['AWSPENDING'] } });
    expect(await describeSecretVersions(client, 'keyturn/s')).toMatchObject({
      currentVersionId: undefined,
      currentLabelVersionId: NO_CREDENTIAL_VERSION_ID,
      pendingVersionId: 'p1',
    });
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { [NO_CREDENTIAL_VERSION_ID]: ['AWSPREVIOUS'], k1: ['AWSCURRENT'] } });
    expect(await describeSecretVersions(client, 'keyturn/s')).toMatchObject({ currentVersionId: 'k1', previousVersionId: undefined });
  });
});

describe('putPendingVersion', () => {
  it('stores the value as AWSPENDING with the token as ClientRequestToken', async () => {
    sm.on(PutSecretValueCommand).resolves({});
    await putPendingVersion(client, { secretId: 'keyturn/s', versionId: 'tok', value: { n: 1 } }, log);
    expect(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toMatchObject({
      ClientRequestToken: 'tok',
      VersionStages: ['AWSPENDING'],
      SecretString: '{"n":1}',
    });
  });

  it('keeps the first value when the token already holds one (no second store)', async () => {
    sm.on(PutSecretValueCommand).rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    expect(await putPendingVersion(client, { secretId: 'keyturn/s', versionId: 'tok', value: { n: 2 } }, log)).toEqual({
      versionId: 'tok',
      stored: false,
    });
  });
});

describe('promoteToCurrent', () => {
  it('moves AWSCURRENT from the version that holds it, then clears AWSPENDING', async () => {
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { old: ['AWSCURRENT'], next: ['AWSPENDING'] } });
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    expect(await promoteToCurrent(client, 'keyturn/s', 'next', log)).toEqual({ currentVersionId: 'next', previousVersionId: 'old' });
    const calls = sm.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { SecretId: 'keyturn/s', VersionStage: 'AWSCURRENT', MoveToVersionId: 'next', RemoveFromVersionId: 'old' },
      { SecretId: 'keyturn/s', VersionStage: 'AWSPENDING', RemoveFromVersionId: 'next' },
    ]);
  });

  it('promotes into a secret with no current version (first rotation)', async () => {
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { next: ['AWSPENDING'] } });
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    await promoteToCurrent(client, 'keyturn/s', 'next', log);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input.RemoveFromVersionId).toBeUndefined();
  });

  it('does nothing more when the version is already current', async () => {
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { next: ['AWSCURRENT'], old: ['AWSPREVIOUS'] } });
    expect(await promoteToCurrent(client, 'keyturn/s', 'next', log)).toEqual({ currentVersionId: 'next', previousVersionId: 'old' });
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });
});

describe('dropPending', () => {
  it('removes AWSPENDING from our version only', async () => {
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { mine: ['AWSPENDING'] } });
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    expect(await dropPending(client, 'keyturn/s', ['mine'], log)).toEqual({ droppedVersionId: 'mine' });
  });

  it('never touches another rotation’s pending version', async () => {
    sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { theirs: ['AWSPENDING'] } });
    expect(await dropPending(client, 'keyturn/s', ['mine'], log)).toEqual({});
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });
});

describe('resolveRotationAttempt', () => {
  const tokens = (id: string) => [rotationVersionId(id, 'key'), rotationVersionId(id, 'recorded')];
  const versions = (stagesByVersion: Record<string, string[]>) => ({ secretId: 'keyturn/k', stagesByVersion });

  it('stays on attempt 0 while it has stored nothing, or while one of its versions holds a label', async () => {
    sm.on(GetSecretValueCommand).rejects(notFound());
    expect(await resolveRotationAttempt(client, versions({}), 'exec-1', tokens)).toBe(0);
    expect(await resolveRotationAttempt(client, versions({ [tokens('exec-1')[1]!]: ['AWSPENDING'] }), 'exec-1', tokens)).toBe(0);
  });

  it('moves past an undone attempt: stored, but none of its versions labelled any more', async () => {
    const undone = tokens('exec-1')[0]!;
    sm.on(GetSecretValueCommand).rejects(notFound());
    sm.on(GetSecretValueCommand, { SecretId: 'keyturn/k', VersionId: undone }).resolves({ VersionId: undone, SecretString: '{}' });
    const attempt = await resolveRotationAttempt(client, versions({}), 'exec-1', tokens);
    expect(attempt).toBe(1);
    expect(attemptRotationId('exec-1', attempt)).not.toBe('exec-1');
  });
});

describe('the notified marker', () => {
  it('records on the secret, keyed by rotation, that Slack was told', async () => {
    sm.on(TagResourceCommand).resolves({});
    await markNotified(client, 'keyturn/k', 'exec-1');
    const tag = sm.commandCalls(TagResourceCommand)[0]!.args[0].input.Tags![0]!;
    expect(tag.Key).toBe(NOTIFIED_TAG);
    sm.on(DescribeSecretCommand).resolves({ Tags: [tag] });
    expect(await wasNotified(client, 'keyturn/k', 'exec-1')).toBe(true);
    expect(await wasNotified(client, 'keyturn/k', 'exec-2')).toBe(false);
  });
});
