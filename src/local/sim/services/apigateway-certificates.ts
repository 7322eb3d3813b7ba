/**
 * Real self-signed client certificates, as GenerateClientCertificate returns them: X.509, PEM,
 * valid 365 days from the simulator clock (aws-facts.md "API Gateway REST").
 *
 * One RSA 2048 key pair per simulator process signs every certificate (a key takes ~0.2 s to
 * generate and the 60-certificate quota test would wait for 60 of them). The private key never
 * leaves API Gateway in AWS either, and every certificate still differs (serial, subject, dates),
 * so a trust store that holds one certificate does not trust another.
 */
import { webcrypto, randomBytes } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

type Crypto = Parameters<typeof X509.X509CertificateGenerator.create>[1];

export const CLIENT_CERTIFICATE_VALIDITY_MS = 365 * 86_400_000;

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

let x509Module: Promise<typeof X509> | undefined;
let signingKeys: Promise<webcrypto.CryptoKeyPair> | undefined;

/** @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API. */
function loadX509(): Promise<typeof X509> {
  x509Module ??= import('reflect-metadata').then(() => import('@peculiar/x509'));
  return x509Module;
}

export interface GeneratedClientCertificate {
  pemEncodedCertificate: string;
  /** Whole seconds since epoch, as API Gateway's restJson timestamps. */
  notBeforeSeconds: number;
  notAfterSeconds: number;
}

export async function generateClientCertificate(clientCertificateId: string, nowMs: number): Promise<GeneratedClientCertificate> {
  const x509 = await loadX509();
  const crypto = webcrypto as unknown as Crypto;
  signingKeys ??= webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;
  const keys = await signingKeys;
  // X.509 keeps whole seconds; the JSON dates must equal the certificate's own.
  const notBeforeSeconds = Math.floor(nowMs / 1000);
  const notAfterSeconds = notBeforeSeconds + CLIENT_CERTIFICATE_VALIDITY_MS / 1000;
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial.toString('hex'),
      name: `CN=${clientCertificateId}, O=API Gateway client certificate (keyturn simulator)`,
      notBefore: new Date(notBeforeSeconds * 1000),
      notAfter: new Date(notAfterSeconds * 1000),
      keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
      signingAlgorithm: RSA,
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
    },
    crypto,
  );
  return { pemEncodedCertificate: `${certificate.toString('pem')}\n`, notBeforeSeconds, notAfterSeconds };
}

/** The DER bytes of every PEM certificate in `text`, base64 without whitespace (for comparing). */
export function normalisedPemCertificates(text: string): string[] {
  const blocks = text.matchAll(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g);
  return [...blocks].map((b) => (b[1] ?? '').replace(/\s+/g, ''));
}
