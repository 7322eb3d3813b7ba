/**
 * What IAM checks in an UploadServerCertificate before it stores anything: the body is one real
 * X.509 certificate valid now, the private key is unencrypted and belongs to it, and the chain
 * parses and is in order. Parsing is node:crypto's own, so a hand-rolled PEM check in keyturn
 * cannot agree with the simulator by accident (docs/design.md: the simulator is the referee).
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { AwsError } from '../protocol';

export interface CheckedCertificate {
  /** The certificate's notAfter, ms since epoch. */
  notAfterMs: number;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;

function malformed(message: string): AwsError {
  return new AwsError('MalformedCertificate', 400, message);
}

/**
 * The PEM certificates in `text`, decoded. Anything but whitespace around or between the blocks
 * makes the whole text malformed (stricter than some PEM readers, which skip "Bag Attributes").
 */
function readPemCertificates(text: string, what: string): X509Certificate[] {
  const blocks = [...text.matchAll(PEM_CERTIFICATE)];
  const leftover = text.replace(PEM_CERTIFICATE, '').trim();
  if (blocks.length === 0 || leftover !== '') {
    throw malformed(`Unable to parse ${what}. It must be PEM-encoded X.509 (-----BEGIN CERTIFICATE-----).`);
  }
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(Buffer.from((block[1] ?? '').replace(/\s+/g, ''), 'base64'));
    } catch {
      throw malformed(`Unable to parse ${what}${blocks.length > 1 ? ` (certificate ${index + 1})` : ''}.`);
    }
  });
}

function readPrivateKey(text: string): KeyObject {
  // IAM needs the key unencrypted: an ENCRYPTED PRIVATE KEY or a Proc-Type: ENCRYPTED header
  // cannot be read without a passphrase, and createPrivateKey refuses it.
  try {
    return createPrivateKey({ key: text, format: 'pem' });
  } catch {
    throw malformed('Unable to parse private key. It must be an unencrypted PEM-encoded RSA or EC private key.');
  }
}

/**
 * Key types accepted. Unconfirmed for IAM: the simulator takes RSA 1024-4096 and EC P-256/P-384
 * (what ELB and CloudFront can serve) and refuses anything else, the stricter reading.
 */
function checkKeyType(certificate: X509Certificate): void {
  const key = certificate.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits >= 1024 && bits <= 4096) return;
    throw malformed(`Unsupported RSA key size ${bits}; use 1024 to 4096 bits.`);
  }
  if (key.asymmetricKeyType === 'ec' && (details.namedCurve === 'prime256v1' || details.namedCurve === 'secp384r1')) return;
  throw malformed(`Unsupported key type ${key.asymmetricKeyType ?? 'unknown'}; use RSA or EC P-256/P-384.`);
}

function checkDates(certificate: X509Certificate, nowMs: number, what: string): number {
  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) throw malformed(`Unable to read the validity dates of ${what}.`);
  if (nowMs > notAfter) throw malformed(`The ${what} has expired (notAfter ${new Date(notAfter).toISOString()}).`);
  if (nowMs < notBefore) throw malformed(`The ${what} is not valid yet (notBefore ${new Date(notBefore).toISOString()}).`);
  return notAfter;
}

function issued(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

export function checkServerCertificate(
  input: { certificateBody: string; privateKey: string; certificateChain?: string },
  nowMs: number,
): CheckedCertificate {
  const bodies = readPemCertificates(input.certificateBody, 'certificate body');
  if (bodies.length !== 1) throw malformed('The certificate body must hold exactly one certificate.');
  const certificate = bodies[0] as X509Certificate;
  checkKeyType(certificate);
  const notAfterMs = checkDates(certificate, nowMs, 'certificate');

  const key = readPrivateKey(input.privateKey);
  if (!certificate.checkPrivateKey(key)) {
    throw new AwsError('KeyPairMismatch', 400, 'The public key in the certificate does not match the private key.');
  }

  if (input.certificateChain !== undefined) {
    const chain = readPemCertificates(input.certificateChain, 'certificate chain');
    // Stricter reading (unconfirmed in aws-facts): IAM names the order it wants, so the simulator
    // checks that every certificate was signed by the next one, starting from the body.
    let child = certificate;
    chain.forEach((parent, index) => {
      if (!issued(child, parent)) {
        throw malformed(
          'Unable to validate certificate chain. The certificate chain must start with the immediate signing ' +
            `certificate, followed by any intermediaries in order. The index within the chain of the invalid certificate is: ${index}`,
        );
      }
      child = parent;
    });
  }
  return { notAfterMs };
}
