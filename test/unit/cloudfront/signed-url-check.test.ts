import { describe, expect, it } from 'vitest';
import { SignedUrlRejectedError } from '../../../src/cloudfront/errors';
import { generateKeyPair } from '../../../src/cloudfront/key-pair';
import { checkSignedUrl } from '../../../src/cloudfront/signed-url-check';
import { TransientAwsError } from '../../../src/errors';

const now = () => new Date('2026-11-24T00:00:00Z');
const noFetch = async () => {
  throw new Error('no network in this test');
};

describe('checkSignedUrl', () => {
  for (const algorithm of ['RSA_2048', 'ECDSA_P256'] as const) {
    it(`verifies a ${algorithm} signature locally against the key CloudFront holds`, async () => {
      const pair = generateKeyPair(algorithm);
      const check = { keyGroupId: 'kg', publicKeyId: 'K1', privateKey: pair.privateKey, encodedKey: pair.publicKey };
      expect(await checkSignedUrl(check, { fetch: noFetch, now })).toEqual({ method: 'local-signature' });
    });
  }

  it('rejects a private key that does not match the key CloudFront holds', async () => {
    const check = { keyGroupId: 'kg', publicKeyId: 'K1', privateKey: generateKeyPair('RSA_2048').privateKey, encodedKey: generateKeyPair('RSA_2048').publicKey };
    await expect(checkSignedUrl(check, { fetch: noFetch, now })).rejects.toBeInstanceOf(SignedUrlRejectedError);
  });

  it('fetches the signed test URL: 403 is a rejection, 5xx is transient, anything else passes', async () => {
    const pair = generateKeyPair('RSA_2048');
    const check = { keyGroupId: 'kg', publicKeyId: 'K1', privateKey: pair.privateKey, encodedKey: pair.publicKey, testUrlBase: 'https://d111.cloudfront.net/private/' };
    const seen: string[] = [];
    const answer = (status: number) => async (url: string) => (seen.push(url), { status });
    await expect(checkSignedUrl(check, { fetch: answer(403), now })).rejects.toBeInstanceOf(SignedUrlRejectedError);
    await expect(checkSignedUrl(check, { fetch: answer(503), now })).rejects.toBeInstanceOf(TransientAwsError);
    expect(await checkSignedUrl(check, { fetch: answer(404), now })).toEqual({ method: 'fetch', status: 404 });
    expect(seen[0]).toMatch(/^https:\/\/d111\.cloudfront\.net\/private\/keyturn-rotation-check\?Expires=\d+&Key-Pair-Id=K1&Signature=/);
  });
});
