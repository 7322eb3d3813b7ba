/**
 * Key pairs for CloudFront signed URLs. CloudFront takes the public key as SPKI PEM; RSA 2048 works
 * everywhere, ECDSA P-256 for signed URLs and cookies only (not field-level encryption).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

export const ALGORITHMS = ['RSA_2048', 'ECDSA_P256'] as const;
export type KeyAlgorithm = (typeof ALGORITHMS)[number];

export interface KeyPair {
  /** PKCS#8 PEM. Secret material: goes to Secrets Manager and nowhere else. */
  privateKey: string;
  /** SPKI PEM, CloudFront's EncodedKey. */
  publicKey: string;
}

export function generateKeyPair(algorithm: KeyAlgorithm): KeyPair {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const pair =
    algorithm === 'RSA_2048'
      ? generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding, privateKeyEncoding })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding, privateKeyEncoding });
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/** The SPKI PEM of a private key, so only the private key needs storing. */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
}

/** Compares two PEM public keys by their DER bytes (CloudFront may re-wrap lines). */
export function samePublicKey(a: string, b: string): boolean {
  try {
    const der = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' });
    return der(a).equals(der(b));
  } catch {
    return false;
  }
}
