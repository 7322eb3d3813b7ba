import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { inForce, readSnoozes, snoozeCertificate, SNOOZE_SECRET_ID } from '../../../src/iam/snoozes';

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({});
const log = { debug() {}, info() {}, warn() {}, error() {} };
const NOW = new Date('2026-12-05T12:00:00Z');
const notFound = () => new ResourceNotFoundException({ message: 'nope', $metadata: {} });
const stored = (snoozes: Record<string, unknown>) => ({ SecretString: JSON.stringify({ version: 1, snoozes }) });

afterEach(() => sm.reset());

describe('snoozes', () => {
  it('reads none before the first snooze, and none from a document keyturn did not write', async () => {
    sm.on(GetSecretValueCommand).rejectsOnce(notFound()).resolves({ SecretString: '{"version":1,"snoozes":{"arn:x":{"name":"x","until":"2026","by":"<!channel>","at":"2026"}}}' });
    expect(await readSnoozes(client)).toEqual({});
    // A `by` that is not a Slack user id would become a mention in the digest: refused whole.
    expect(await readSnoozes(client)).toEqual({});
  });

  it('keeps only the snoozes whose date is still ahead', () => {
    const snoozes = { a: { name: 'a', until: '2026-12-06T00:00:00.000Z', by: 'U1AA', at: '' }, b: { name: 'b', until: '2026-12-05T11:59:59.000Z', by: 'U1AA', at: '' } };
    expect(Object.keys(inForce(snoozes, NOW))).toEqual(['a']);
  });

  it('snoozes for 7 days from now, dropping the snoozes past their date, creating the secret the first time', async () => {
    sm.on(GetSecretValueCommand).rejects(notFound());
    sm.on(PutSecretValueCommand).rejects(notFound());
    sm.on(CreateSecretCommand).resolves({});
    const snooze = await snoozeCertificate(client, { arn: 'arn:aws:iam::1:server-certificate/www', name: 'www' }, 'U0ONCALL', NOW, log);

    expect(snooze).toEqual({ name: 'www', until: '2026-12-12T12:00:00.000Z', by: 'U0ONCALL', at: NOW.toISOString() });
    expect(sm.commandCalls(CreateSecretCommand)[0]?.args[0].input).toMatchObject({ Name: SNOOZE_SECRET_ID, SecretString: JSON.stringify({ version: 1, snoozes: { 'arn:aws:iam::1:server-certificate/www': snooze } }) });
  });

  it('adds to the snoozes in force and forgets the expired ones', async () => {
    sm.on(GetSecretValueCommand).resolves(stored({ old: { name: 'old', until: '2026-12-01T00:00:00.000Z', by: 'U1AA', at: '' }, api: { name: 'api', until: '2026-12-08T00:00:00.000Z', by: 'U1AA', at: '' } }));
    sm.on(PutSecretValueCommand).resolves({});
    await snoozeCertificate(client, { arn: 'www', name: 'www' }, 'U0ONCALL', NOW, log);

    expect(Object.keys(JSON.parse(sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input.SecretString!).snoozes)).toEqual(['api', 'www']);
  });
});
