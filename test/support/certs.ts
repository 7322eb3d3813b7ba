/**
 * Real X.509 certificates for tests: self-signed, or signed by a test CA (chains of any depth),
 * with the dates and key type a test needs.
 *
 *   const root = await makeCertificateAuthority({ commonName: 'Test Root' });
 *   const leaf = await makeCertificate({ commonName: 'www.example.com', issuer: root,
 *     notAfter: new Date(Date.now() + 30 * DAY_MS) });
 *   // leaf.certificatePem, leaf.privateKeyPem, leaf.chainPem (immediate issuer first)
 *
 * RSA key generation takes ~0.2 s; EC is near instant. When many certificates are needed
 * (paging tests), upload one certificate under many names instead of generating many.
 */
import { createPrivateKey, webcrypto } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type CryptoKey = webcrypto.CryptoKey;
import type * as X509 from '@peculiar/x509';

export const DAY_MS = 86_400_000;

export type KeyAlgorithm = 'RSA-2048' | 'RSA-4096' | 'EC-P256' | 'EC-P384';

/** PKCS#8 (`PRIVATE KEY`, default), PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`). */
export type PrivateKeyEncoding = 'pkcs8' | 'pkcs1' | 'sec1';

export interface MakeCertificateOptions {
  commonName: string;
  /** Default: one hour ago (so a clock a little behind still sees it as valid). */
  notBefore?: Date;
  /** Default: notBefore + 365 days. */
  notAfter?: Date;
  /** The CA that signs it; omitted means self-signed. */
  issuer?: CertificateAuthority;
  /** Default RSA-2048. */
  keyAlgorithm?: KeyAlgorithm;
  privateKeyEncoding?: PrivateKeyEncoding;
}

export interface GeneratedCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /**
   * The issuers, immediate signer first, then up to and including the root, PEM-concatenated
   * (the order IAM's CertificateChain wants). Absent for a self-signed certificate.
   */
  chainPem?: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

/** A certificate that can sign others. Pass it as `issuer`. */
export interface CertificateAuthority extends GeneratedCertificate {
  readonly keys: CryptoKeyPair;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly subject: string;
}

type Crypto = Parameters<typeof X509.X509CertificateGenerator.create>[1];

let x509Module: Promise<typeof X509> | undefined;

/** @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API. */
function loadX509(): Promise<typeof X509> {
  x509Module ??= import('reflect-metadata').then(() => import('@peculiar/x509'));
  return x509Module;
}

function algorithmFor(keyAlgorithm: KeyAlgorithm): { generate: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams; sign: webcrypto.Algorithm | webcrypto.EcdsaParams } {
  switch (keyAlgorithm) {
    case 'RSA-2048':
    case 'RSA-4096': {
      const generate = {
        name: 'RSASSA-PKCS1-v1_5',
        hash: 'SHA-256',
        publicExponent: new Uint8Array([1, 0, 1]),
        modulusLength: keyAlgorithm === 'RSA-2048' ? 2048 : 4096,
      };
      return { generate, sign: generate };
    }
    case 'EC-P256':
      return { generate: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams };
    case 'EC-P384':
      return { generate: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } as webcrypto.EcdsaParams };
  }
}

async function privateKeyPem(key: CryptoKey, encoding: PrivateKeyEncoding): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const keyObject = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  if (encoding === 'pkcs8') return keyObject.export({ format: 'pem', type: 'pkcs8' }) as string;
  if (encoding === 'pkcs1') return keyObject.export({ format: 'pem', type: 'pkcs1' }) as string;
  return keyObject.export({ format: 'pem', type: 'sec1' }) as string;
}

function randomSerial(): string {
  // Positive 16-byte serial (the top bit clear keeps the DER integer positive).
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f | 0x01;
  return Buffer.from(bytes).toString('hex');
}

async function generate(options: MakeCertificateOptions, isCa: boolean): Promise<CertificateAuthority> {
  const x509 = await loadX509();
  const crypto = webcrypto as unknown as Crypto;
  const keyAlgorithm = options.keyAlgorithm ?? 'RSA-2048';
  const { generate: generateParams } = algorithmFor(keyAlgorithm);
  const keys = (await webcrypto.subtle.generateKey(generateParams, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = options.notBefore ?? new Date(Date.now() - 3_600_000);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + 365 * DAY_MS);
  const serialNumber = randomSerial();
  const subject = `CN=${options.commonName.replace(/([,+"\\<>;=])/g, '\\$1')}`;
  const extensions: X509.Extension[] = isCa
    ? [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ]
    : [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: options.commonName }]),
      ];
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto));

  let certificate: X509.X509Certificate;
  if (options.issuer) {
    const issuer = options.issuer;
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey, false, crypto));
    certificate = await x509.X509CertificateGenerator.create(
      {
        serialNumber,
        subject,
        issuer: issuer.subject,
        notBefore,
        notAfter,
        publicKey: keys.publicKey,
        signingKey: issuer.keys.privateKey,
        signingAlgorithm: algorithmFor(issuer.keyAlgorithm).sign,
        extensions,
      },
      crypto,
    );
  } else {
    certificate = await x509.X509CertificateGenerator.createSelfSigned(
      { serialNumber, name: subject, notBefore, notAfter, keys, signingAlgorithm: algorithmFor(keyAlgorithm).sign, extensions },
      crypto,
    );
  }
  const chainPem = options.issuer ? `${options.issuer.certificatePem}${options.issuer.chainPem ?? ''}` : undefined;
  return {
    certificatePem: `${certificate.toString('pem')}\n`,
    privateKeyPem: await privateKeyPem(keys.privateKey, options.privateKeyEncoding ?? 'pkcs8'),
    ...(chainPem !== undefined ? { chainPem } : {}),
    serialNumber,
    notBefore,
    notAfter,
    keys,
    keyAlgorithm,
    subject,
  };
}

/** A leaf certificate (not a CA), self-signed unless `issuer` is given. */
export async function makeCertificate(options: MakeCertificateOptions): Promise<GeneratedCertificate> {
  const { keys: _keys, keyAlgorithm: _alg, subject: _subject, ...certificate } = await generate(options, false);
  return certificate;
}

/** A CA certificate: a root when `issuer` is omitted, an intermediate otherwise. */
export function makeCertificateAuthority(options: MakeCertificateOptions): Promise<CertificateAuthority> {
  return generate(options, true);
}
