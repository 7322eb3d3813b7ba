/**
 * AWS's rules for server certificate names and paths (aws-facts.md, IAM):
 * name `[\w+=,.@-]+`, 1–128 characters; path `/` or `/…/` of characters U+0021–U+007E,
 * at most 512. CloudFront only uses certificates whose path begins `/cloudfront/`: any other path
 * is valid for IAM, so it is not rejected, only reported (`usableByCloudFront`).
 */
import { InvalidCertificateNameError, InvalidCertificatePathError } from './errors';

const NAME = /^[\w+=,.@-]+$/;
const PATH_CHARS = /^[\u0021-\u007E]+$/;

export function checkServerCertificateName(name: string): void {
  if (name.length < 1 || name.length > 128) throw new InvalidCertificateNameError('must be 1 to 128 characters');
  if (!NAME.test(name)) {
    throw new InvalidCertificateNameError('may contain only letters, digits and + = , . @ _ -');
  }
}

export function checkServerCertificatePath(path: string): void {
  if (path.length > 512) throw new InvalidCertificatePathError('must be at most 512 characters');
  if (!PATH_CHARS.test(path)) throw new InvalidCertificatePathError('may contain only printable ASCII (U+0021 to U+007E)');
  if (path !== '/' && (path.length < 3 || !path.startsWith('/') || !path.endsWith('/'))) {
    throw new InvalidCertificatePathError('must be / or begin and end with / around at least one character');
  }
}

/** Whether CloudFront can use a certificate stored under this path. */
export function usableByCloudFront(path: string): boolean {
  return path.startsWith('/cloudfront/');
}
