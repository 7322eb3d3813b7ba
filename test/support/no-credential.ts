/**
 * keyturn's no-credential marker (src/secrets/credential-store.ts, NO_CREDENTIAL_VALUE): the first
 * version of a secret keyturn creates, AWSCURRENT until the first rotation promotes a tested key.
 * Invariant checkers read it as "no credential yet", which is not a credential that fails: a
 * consumer that reads it gets no key at all. Only the exact marker counts, and it must carry no
 * credential field, so a checker cannot be fooled by a value that merely has a `keyturn` field.
 */
import { NO_CREDENTIAL_VALUE } from '../../src/secrets/credential-store';

export function isNoCredential(value: string | undefined): boolean {
  if (value === undefined) return false;
  return value === JSON.stringify(NO_CREDENTIAL_VALUE) && Object.keys(NO_CREDENTIAL_VALUE).join() === 'keyturn';
}
