/**
 * Errors of the IAM server-certificate workflows. Each `name` is a string literal: the state
 * machines match on it, and minifiers rename classes. No message or field ever carries
 * certificate private keys or PEM text (docs/design.md invariant 2): only names, paths and rules.
 */
import { InputTargetError, KeyturnError } from '../errors';

/** The rules a certificate import is checked against, in the order they are checked. */
export type ImportRule =
  | 'name-follows-aws-rules'
  | 'path-follows-aws-rules'
  | 'pem-parses'
  | 'not-expired'
  | 'not-yet-valid'
  | 'private-key-matches-certificate'
  | 'chain-links-to-certificate'
  | 'name-not-taken';

/**
 * A certificate that must not be uploaded. Subclasses name the rule it broke; `field` is the
 * input or source-secret field at fault. Never retried: the same material fails the same way.
 */
export class CertificateRejectedError extends KeyturnError {
  override name: string = 'CertificateRejectedError';
  readonly rule: ImportRule;
  readonly field: string;
  constructor(rule: ImportRule, field: string, detail: string) {
    // No `cause`: parser errors may quote the input, and the input may be a private key.
    super(`${field}: rule ${rule}: ${detail}`);
    this.rule = rule;
    this.field = field;
  }
}

export class InvalidCertificateNameError extends CertificateRejectedError {
  override name = 'InvalidCertificateNameError' as const;
  constructor(detail: string) {
    super('name-follows-aws-rules', 'serverCertificateName', detail);
  }
}

export class InvalidCertificatePathError extends CertificateRejectedError {
  override name = 'InvalidCertificatePathError' as const;
  constructor(detail: string) {
    super('path-follows-aws-rules', 'path', detail);
  }
}

export class MalformedCertificateError extends CertificateRejectedError {
  override name = 'MalformedCertificateError' as const;
  constructor(field: string, detail: string) {
    super('pem-parses', field, detail);
  }
}

export class CertificateExpiredError extends CertificateRejectedError {
  override name = 'CertificateExpiredError' as const;
  readonly notAfter: string;
  constructor(notAfter: string) {
    super('not-expired', 'certificateBody', `the certificate expired at ${notAfter}`);
    this.notAfter = notAfter;
  }
}

export class CertificateNotYetValidError extends CertificateRejectedError {
  override name = 'CertificateNotYetValidError' as const;
  readonly notBefore: string;
  constructor(notBefore: string) {
    super('not-yet-valid', 'certificateBody', `the certificate is not valid before ${notBefore}`);
    this.notBefore = notBefore;
  }
}

export class KeyPairMismatchError extends CertificateRejectedError {
  override name = 'KeyPairMismatchError' as const;
  constructor() {
    super('private-key-matches-certificate', 'privateKey', 'the private key does not belong to the certificate');
  }
}

export class ChainMismatchError extends CertificateRejectedError {
  override name = 'ChainMismatchError' as const;
  constructor(detail: string) {
    super('chain-links-to-certificate', 'certificateChain', detail);
  }
}

export class CertificateNameTakenError extends CertificateRejectedError {
  override name = 'CertificateNameTakenError' as const;
  readonly existingArn: string | undefined;
  constructor(serverCertificateName: string, existingArn: string | undefined) {
    super('name-not-taken', 'serverCertificateName', `a different server certificate named ${serverCertificateName} exists`);
    this.existingArn = existingArn;
  }
}

/** The source secret is missing, unreadable, or not `{ certificateBody, privateKey, certificateChain? }`. */
export class CertificateSourceError extends InputTargetError {
  override name = 'CertificateSourceError' as const;
  readonly sourceSecretId: string;
  constructor(sourceSecretId: string, detail: string, options?: { cause?: unknown }) {
    super('sourceSecretId', `source secret ${sourceSecretId} ${detail}`, options);
    this.sourceSecretId = sourceSecretId;
  }
}

/** The certificate read back after upload is not the one just uploaded. */
export class UploadNotConfirmedError extends KeyturnError {
  override name = 'UploadNotConfirmedError' as const;
}

/** The expiry check's memory would not fit in its secret (Secrets Manager holds at most 64 KB). Not retried. */
export class MemoryTooLargeError extends KeyturnError {
  override name = 'MemoryTooLargeError' as const;
  readonly secretId: string;
  readonly bytes: number;
  readonly certificates: number;
  constructor(secretId: string, bytes: number, limit: number, certificates: number) {
    super(`threshold memory for ${certificates} certificates within a threshold is ${bytes} bytes, over the ${limit}-byte limit of secret ${secretId}`);
    this.secretId = secretId;
    this.bytes = bytes;
    this.certificates = certificates;
  }
}
