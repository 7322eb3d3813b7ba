/**
 * keyturn's no-credential marker (src/secrets/credential-store.ts, NO_CREDENTIAL_VALUE): the first
 * version of a secret keyturn creates, AWSCURRENT until the first rotation promotes a tested key.
 * Invariant checkers read it as "no credential yet", which is not a credential that fails: a
 * consumer that reads it gets no key at all. Only the exact marker counts, and it must carry no
 * credential field, so a checker cannot be fooled by a value that merely has a `keyturn` field.
 */
import { expect } from 'vitest';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NO_CREDENTIAL_VALUE, NO_CREDENTIAL_VERSION_ID } from '../../src/secrets/credential-store';

export function isNoCredential(value: string | undefined): boolean {
  if (value === undefined) return false;
  return value === JSON.stringify(NO_CREDENTIAL_VALUE) && Object.keys(NO_CREDENTIAL_VALUE).join() === 'keyturn';
}

/** Which version of `secretId` holds AWSCURRENT now: 'none' when the secret does not exist (or has no version). */
export async function currentHolder(secretId: string): Promise<string> {
  const out = await new SecretsManagerClient({}).send(new DescribeSecretCommand({ SecretId: secretId })).catch(() => undefined);
  return Object.entries(out?.VersionIdsToStages ?? {}).find(([, labels]) => labels.includes('AWSCURRENT'))?.[0] ?? 'none';
}

/**
 * Invariant 1 on a first rotation, from the AWSCURRENT holder seen at every transition: until the
 * promoting state ends it is no secret or the no-credential marker, never the untested key; from
 * then on, a key's version.
 */
export function expectNoUntestedKeyCurrent(seen: { at: string; holder: string }[], promotingState = 'Promote the new key'): void {
  const promoted = seen.findIndex((s) => s.at === `after ${promotingState}`);
  expect(promoted, `the run passed "${promotingState}"`).toBeGreaterThan(0);
  const noKey = (holder: string) => holder === 'none' || holder === NO_CREDENTIAL_VERSION_ID;
  expect(seen.slice(0, promoted).filter((s) => !noKey(s.holder))).toEqual([]);
  expect(seen.slice(promoted).filter((s) => noKey(s.holder))).toEqual([]);
}
