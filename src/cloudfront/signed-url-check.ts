/**
 * The "test" step of a rotation: does a URL signed with the new private key verify against the
 * key group? Two ways, chosen by whether the caller names a URL to fetch:
 *
 * - `testUrlBase` given: sign `<testUrlBase>/keyturn-rotation-check` with @aws-sdk/cloudfront-signer
 *   and GET it. CloudFront answers 403 to a bad or unknown signature, so 403 fails the check; any
 *   other answer below 500 means the signature was accepted (the object itself may not exist). On
 *   the simulator this is its signed-URL probe (`/_sim/cloudfront/<keyGroupId>`); on AWS, a path of
 *   a distribution whose behaviour trusts the key group.
 * - no `testUrlBase`: sign a URL the same way and verify the signature locally against the
 *   EncodedKey CloudFront holds for the key id (the caller has already checked the key is in the
 *   group). This proves CloudFront has the public half of our private key, not that a
 *   distribution is configured to trust the group.
 */
import { createVerify } from 'node:crypto';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { TransientAwsError } from '../errors';
import { SignedUrlRejectedError } from './errors';

export type Fetch = (url: string, init?: { signal?: AbortSignal }) => Promise<{ status: number }>;

const CHECK_PATH = 'keyturn-rotation-check';
const LOCAL_URL = `https://keyturn.invalid/${CHECK_PATH}`;
const URL_LIFETIME_SECONDS = 300;

export interface SignedUrlCheck {
  keyGroupId: string;
  publicKeyId: string;
  privateKey: string;
  /** The key CloudFront holds for publicKeyId (SPKI PEM). */
  encodedKey: string;
  testUrlBase?: string;
}

export async function checkSignedUrl(
  check: SignedUrlCheck,
  deps: { fetch: Fetch; now: () => Date; timeoutMs?: number },
): Promise<{ method: 'fetch' | 'local-signature'; status?: number }> {
  const dateLessThan = new Date(deps.now().getTime() + URL_LIFETIME_SECONDS * 1000);
  const sign = (url: string) => getSignedUrl({ url, keyPairId: check.publicKeyId, privateKey: check.privateKey, dateLessThan });
  if (check.testUrlBase) {
    const signed = sign(`${check.testUrlBase.replace(/\/+$/, '')}/${CHECK_PATH}`);
    let status: number;
    try {
      status = (await deps.fetch(signed, { signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000) })).status;
    } catch (error) {
      throw new TransientAwsError(`signed URL check could not reach the test URL`, { cause: error });
    }
    if (status >= 500) throw new TransientAwsError(`signed URL check: test URL answered ${status}`);
    if (status === 403) throw new SignedUrlRejectedError(check.keyGroupId, check.publicKeyId, 'test URL answered 403');
    return { method: 'fetch', status };
  }
  const signed = new URL(sign(LOCAL_URL));
  if (!verifyCannedSignature(signed, check.encodedKey)) {
    throw new SignedUrlRejectedError(check.keyGroupId, check.publicKeyId, 'signature does not verify with the key CloudFront holds');
  }
  return { method: 'local-signature' };
}

/** Verifies a canned-policy signed URL the way CloudFront does (aws-facts.md, "Signed URLs"). */
export function verifyCannedSignature(signed: URL, publicKeyPem: string): boolean {
  const expires = signed.searchParams.get('Expires');
  const signature = signed.searchParams.get('Signature');
  if (!expires || !signature) return false;
  const resource = `${signed.origin}${signed.pathname}`;
  const policy = `{"Statement":[{"Resource":"${resource}","Condition":{"DateLessThan":{"AWS:EpochTime":${Number(expires)}}}}]}`;
  const bytes = Buffer.from(signature.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');
  const hash = signed.searchParams.get('Hash-Algorithm') === 'SHA256' ? 'SHA256' : 'SHA1';
  try {
    return createVerify(hash).update(policy).verify(publicKeyPem, bytes);
  } catch {
    return false;
  }
}
