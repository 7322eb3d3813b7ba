import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { assumeRoleCredentials } from '../../../src/aws/assume-role';
import { sessionNameFor, targetAccountIn } from '../../../src/aws/target-account';

const sts = mockClient(STSClient);
const ROLE = 'arn:aws:iam::111122223333:role/keyturn-target';

function answer(expiresAtMs: number, accessKeyId = 'ASIAEXAMPLE000000001') {
  return { Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(expiresAtMs) } };
}

describe('assumeRoleCredentials', () => {
  afterEach(() => sts.reset());

  it('assumes the role once, with the session name, and keeps the credentials until five minutes before they expire', async () => {
    let now = 1_000_000;
    sts.on(AssumeRoleCommand).resolvesOnce(answer(now + 3600_000)).resolvesOnce(answer(now + 7200_000, 'ASIAEXAMPLE000000002'));
    const provider = assumeRoleCredentials(new STSClient({ region: 'us-east-1' }), ROLE, 'media-key-20261130', () => now);

    expect((await provider()).accessKeyId).toBe('ASIAEXAMPLE000000001');
    now += 3600_000 - 300_001;
    expect((await provider()).accessKeyId).toBe('ASIAEXAMPLE000000001');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    now += 2;
    expect((await provider()).accessKeyId).toBe('ASIAEXAMPLE000000002');
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: ROLE, RoleSessionName: 'media-key-20261130' },
      { RoleArn: ROLE, RoleSessionName: 'media-key-20261130' },
    ]);
  });

  it('names the role when it cannot be assumed, and makes throttling retryable', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }))
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    const provider = assumeRoleCredentials(new STSClient({ region: 'us-east-1', maxAttempts: 1 }), ROLE, 'x1');
    await expect(provider()).rejects.toMatchObject({ name: 'AssumeRoleFailedError', roleArn: ROLE, message: expect.stringContaining(`could not assume ${ROLE} (AccessDenied)`) });

    // A failed attempt is not kept: the next read asks STS again.
    await expect(provider()).rejects.toMatchObject({ name: 'TransientAwsError' });
  });
});

describe('sessionNameFor', () => {
  it('keeps an execution name AWS accepts, replaces what it does not, and cuts at 64 characters', () => {
    expect(sessionNameFor('media-signing-key-20261130T090000Z')).toBe('media-signing-key-20261130T090000Z');
    expect(sessionNameFor('a b:c/d')).toBe('a-b-c-d');
    expect(sessionNameFor('x'.repeat(80))).toHaveLength(64);
    expect(sessionNameFor(undefined)).toBe('keyturn');
    expect(sessionNameFor('a')).toBe('keyturn-a');
  });
});

describe('targetAccountIn', () => {
  it('reads the account from a later step’s config, the workflow input, or a first step’s raw input when valid', () => {
    expect(targetAccountIn({ config: { account: { roleArn: ROLE } } })).toEqual({ roleArn: ROLE });
    expect(targetAccountIn({ account: { region: 'eu-west-1' } })).toEqual({ region: 'eu-west-1' });
    expect(targetAccountIn({ input: { account: { roleArn: ROLE } } })).toEqual({ roleArn: ROLE });
    expect(targetAccountIn({ input: { account: { roleArn: 'not-a-role' } } })).toBeUndefined();
    expect(targetAccountIn({ input: 'not an object' })).toBeUndefined();
  });
});
