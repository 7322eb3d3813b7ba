/**
 * Checks certificate material before anything is uploaded, each failure naming its rule:
 * PEM parses; not expired and not yet-valid; the private key matches the certificate; the chain
 * links to the certificate. Pure apart from the clock, which is a parameter.
 *
 * node:crypto does all of it (X509Certificate: dates, checkPrivateKey, checkIssued, verify).
 * @peculiar/x509 is not used here: importing it needs a global Reflect-metadata polyfill
 * (tsyringe), a side effect a Lambda handler should not carry for what node:crypto already does.
 * Errors carry rules, subjects and dates only, never the PEM text.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import {
  CertificateExpiredError,
  CertificateNotYetValidError,
  ChainMismatchError,
  KeyPairMismatchError,
  MalformedCertificateError,
} from './errors';

export interface CertificateMaterial {
  certificateBody: string;
  privateKey: string;
  certificateChain?: string;
}

export interface ValidatedCertificate {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  serialNumber: string;
  /** Certificates in the chain, issuer of the leaf first. */
  chainLength: number;
}

/** aws-facts.md: body and key ≤ 16 KiB, chain ≤ 2 MiB. */
const MAX_BODY_BYTES = 16 * 1024;
const MAX_CHAIN_BYTES = 2 * 1024 * 1024;

export function validateServerCertificate(material: CertificateMaterial, now: Date): ValidatedCertificate {
  const leafPem = parseCertificates('certificateBody', material.certificateBody, MAX_BODY_BYTES);
  if (leafPem.length !== 1) {
    throw new MalformedCertificateError('certificateBody', `must hold exactly one certificate, found ${leafPem.length}`);
  }
  const leaf = leafPem[0]!;
  const privateKey = parsePrivateKey(material.privateKey);
  const chain =
    material.certificateChain && material.certificateChain.trim() !== ''
      ? parseCertificates('certificateChain', material.certificateChain, MAX_CHAIN_BYTES)
      : [];

  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  if (notAfter.getTime() <= now.getTime()) throw new CertificateExpiredError(notAfter.toISOString());
  if (notBefore.getTime() > now.getTime()) throw new CertificateNotYetValidError(notBefore.toISOString());

  if (!leaf.checkPrivateKey(privateKey)) throw new KeyPairMismatchError();

  // Each certificate must be issued (names match) and signed by the next one.
  const path = [leaf, ...chain];
  for (let i = 0; i + 1 < path.length; i += 1) {
    const child = path[i]!;
    const issuer = path[i + 1]!;
    const which = i === 0 ? 'the certificate' : `chain certificate ${i}`;
    if (!child.checkIssued(issuer) || !child.verify(issuer.publicKey)) {
      throw new ChainMismatchError(
        `chain certificate ${i + 1} (${oneLine(issuer.subject)}) did not issue ${which} (issuer ${oneLine(child.issuer)}); ` +
          'the chain must list the issuer of the certificate first, then its issuer, and so on',
      );
    }
  }

  return {
    subject: oneLine(leaf.subject),
    issuer: oneLine(leaf.issuer),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    serialNumber: leaf.serialNumber,
    chainLength: chain.length,
  };
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)-----END \1-----/g;

function parseCertificates(field: string, pem: string, maxBytes: number): X509Certificate[] {
  if (Buffer.byteLength(pem, 'utf8') > maxBytes) {
    throw new MalformedCertificateError(field, `is larger than ${maxBytes} bytes`);
  }
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  // Anything but whitespace outside the blocks is a paste error worth refusing.
  const outside = pem.replace(PEM_BLOCK, '').trim();
  if (blocks.length === 0 || outside !== '') throw new MalformedCertificateError(field, 'is not PEM');
  return blocks.map(([, type, body], index) => {
    if (type !== 'CERTIFICATE') {
      throw new MalformedCertificateError(field, `PEM block ${index + 1} is ${type}, not CERTIFICATE`);
    }
    try {
      return new X509Certificate(Buffer.from(body!.replace(/\s+/g, ''), 'base64'));
    } catch {
      throw new MalformedCertificateError(field, `PEM block ${index + 1} is not an X.509 certificate`);
    }
  });
}

/** Node separates name parts with newlines. */
function oneLine(name: string): string {
  return name.split('\n').join(', ');
}

function parsePrivateKey(pem: string): KeyObject {
  if (Buffer.byteLength(pem, 'utf8') > MAX_BODY_BYTES) {
    throw new MalformedCertificateError('privateKey', `is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (/ENCRYPTED/.test(pem)) {
    throw new MalformedCertificateError('privateKey', 'is encrypted; IAM needs an unencrypted PEM private key');
  }
  try {
    // The error a bad key raises is dropped on purpose: it may quote the key.
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new MalformedCertificateError('privateKey', 'is not a PEM private key (PKCS#1, PKCS#8 or SEC1)');
  }
}
