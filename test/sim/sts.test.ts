/**
 * Contract tests of the simulated STS (AssumeRole, GetCallerIdentity) and of accounts and regions:
 * what an assumed role does lands in the role's account, each region is its own world, and a
 * session is refused once expired or without its token. Through the real SDK clients only.
 */
import { describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateKeyGroupCommand, CloudFrontClient, CreatePublicKeyCommand, ListKeyGroupsCommand } from '@aws-sdk/client-cloudfront';
import { CreateSecretCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateBucketCommand, GetBucketsCommand, LightsailClient } from '@aws-sdk/client-lightsail';
import { generateKeyPairSync } from 'node:crypto';
import { documented } from '../support/sdk-docs';
import { useSimulator } from '../support/sim';
import type { CallRecord } from '../../src/local/sim/state';

const sim = useSimulator();
const HOME = '123456789012';
const OTHER = '210987654321';
const ROLE = `arn:aws:iam::${OTHER}:role/keyturn-rotation`;

async function declareRole(body: Record<string, unknown> = {}): Promise<void> {
  await sim.admin('POST', '/_sim/sts/roles', { roleArn: ROLE, ...body });
}

async function assume(sessionName = 'keyturn-test', extra: { DurationSeconds?: number } = {}) {
  const out = await new STSClient({ region: 'us-east-1' }).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: sessionName, ...extra }));
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!, expiration: c.Expiration!, arn: out.AssumedRoleUser!.Arn! };
}

async function calls(operation: string): Promise<CallRecord[]> {
  return (await sim.admin<{ calls: CallRecord[] }>('GET', `/_sim/calls?operation=${operation}`)).calls;
}

describe('STS AssumeRole', () => {
  it(documented('sts', 'AssumeRole', "By default, the value is set to 3600 seconds.").title, async () => {
    await declareRole();
    const before = Date.now();
    const session = await assume('rotate-cloudfront-key-exec-1');
    expect(session.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(session.arn).toBe(`arn:aws:sts::${OTHER}:assumed-role/keyturn-rotation/rotate-cloudfront-key-exec-1`);
    expect(session.expiration.getTime() - before).toBeGreaterThan(3590_000);
    expect(session.expiration.getTime() - before).toBeLessThan(3610_000);
    const who = await new STSClient({ region: 'us-east-1', credentials: session }).send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({ Account: OTHER, Arn: session.arn });
  });

  it(documented('sts', 'AssumeRole', "To assume a role from a different account, your Amazon Web Services account must be trusted by the role.").title, async () => {
    await expect(assume()).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await declareRole({ trustedAccountIds: ['999999999999'] });
    await expect(assume()).rejects.toMatchObject({ name: 'AccessDenied', message: expect.stringContaining(`sts:AssumeRole on resource: ${ROLE}`) });
  });

  it(documented('sts', 'AssumeRole', "The value specified can range from 900 seconds (15 minutes) up to the maximum session duration set for the role.").title, async () => {
    await declareRole();
    await expect(assume('has space')).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining("'roleSessionName'") });
    await expect(assume('x'.repeat(65))).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('length between 2 and 64') });
    await expect(assume('ok-name', { DurationSeconds: 600 })).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(assume('ok-name', { DurationSeconds: 7200 })).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
  });
});

describe('accounts and regions', () => {
  it("puts what an assumed role creates in the role's account, apart from the home account", async () => {
    await declareRole();
    const session = await assume();
    const otherCloudFront = new CloudFrontClient({ region: 'us-east-1', credentials: session });
    const publicKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const key = await otherCloudFront.send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: 'r1', Name: 'k1', EncodedKey: publicKeyPem } }));
    await otherCloudFront.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: 'g1', Items: [key.PublicKey!.Id!] } }));

    const home = await new CloudFrontClient({ region: 'us-east-1' }).send(new ListKeyGroupsCommand({}));
    const other = await otherCloudFront.send(new ListKeyGroupsCommand({}));
    expect(home.KeyGroupList?.Quantity).toBe(0);
    expect(other.KeyGroupList?.Quantity).toBe(1);
    const [created] = await calls('CreateKeyGroup');
    expect(created).toMatchObject({ account: OTHER, principal: session.arn });
  });

  it('keeps each region of an account apart for regional services, and ARNs name the account and region', async () => {
    const east = new SecretsManagerClient({ region: 'us-east-1' });
    const west = new SecretsManagerClient({ region: 'eu-west-1' });
    const made = await west.send(new CreateSecretCommand({ Name: 'keyturn/west-only', SecretString: 'x' }));
    expect(made.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:eu-west-1:${HOME}:secret:keyturn/west-only-`));
    expect((await east.send(new ListSecretsCommand({}))).SecretList).toEqual([]);
    expect((await west.send(new ListSecretsCommand({}))).SecretList).toHaveLength(1);

    await new LightsailClient({ region: 'eu-west-1' }).send(new CreateBucketCommand({ bucketName: 'west-bucket', bundleId: 'small_1_0' }));
    expect((await new LightsailClient({ region: 'us-east-1' }).send(new GetBucketsCommand({}))).buckets).toEqual([]);
  });

  it('refuses a session once it has expired (by the simulator clock), and one presented without its token', async () => {
    await declareRole();
    const session = await assume();
    const sm = new SecretsManagerClient({ region: 'us-east-1', credentials: session, maxAttempts: 1 });
    await expect(sm.send(new ListSecretsCommand({}))).resolves.toBeDefined();
    const forged = new SecretsManagerClient({ region: 'us-east-1', credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }, maxAttempts: 1 });
    await expect(forged.send(new ListSecretsCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    await sim.admin('POST', '/_sim/clock', { advanceSeconds: 3601 });
    await expect(sm.send(new ListSecretsCommand({}))).rejects.toMatchObject({ name: 'ExpiredTokenException' });
    const cf = new CloudFrontClient({ region: 'us-east-1', credentials: session, maxAttempts: 1 });
    await expect(cf.send(new ListKeyGroupsCommand({}))).rejects.toMatchObject({ name: 'ExpiredToken' });
  });

  it(documented('sts', 'AssumeRole', "However, if you assume a role using role chaining and provide a DurationSeconds parameter value greater than one hour, the operation fails.").title, async () => {
    await sim.admin('POST', '/_sim/sts/roles', { roleArn: ROLE, trustedAccountIds: [HOME, OTHER], maxSessionDurationSeconds: 43200 });
    const first = await assume('first', { DurationSeconds: 7200 });
    const chained = new STSClient({ region: 'us-east-1', credentials: first });
    await expect(chained.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'second', DurationSeconds: 7200 }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('role chaining'),
    });
  });
});
