/**
 * Checks an S3 request's SigV4 Authorization header: re-signs the same canonical request (same
 * signed headers, same x-amz-date, same scope) with the stored secret, using S3's signing rules
 * (no double URI-encoding of the path; the payload hash is the x-amz-content-sha256 header),
 * and compares the signatures. The signing itself is @smithy/signature-v4's, not ours.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SimRequest } from '../protocol';

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;

/** undefined when the header is absent; null when it is present but malformed. */
export function parseAuthorization(req: SimRequest): ParsedAuthorization | null | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = AUTHORIZATION.exec(header.trim());
  if (!match) return null;
  const [, accessKeyId = '', date = '', region = '', service = '', signedHeaders = '', signature = ''] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

export type SignatureCheck = 'ok' | 'malformed' | 'mismatch' | 'content-sha256-mismatch';

export async function checkS3Signature(req: SimRequest, auth: ParsedAuthorization, secretAccessKey: string): Promise<SignatureCheck> {
  const amzDate = header(req, 'x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== auth.date) return 'malformed';
  if (!auth.signedHeaders.includes('host')) return 'malformed';

  const contentSha256 = header(req, 'x-amz-content-sha256');
  if (!contentSha256) return 'malformed';
  if (
    contentSha256 !== 'UNSIGNED-PAYLOAD' &&
    !contentSha256.startsWith('STREAMING-') &&
    contentSha256 !== createHash('sha256').update(req.body).digest('hex')
  ) {
    return 'content-sha256-mismatch';
  }

  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = header(req, name);
    if (value === undefined) return 'mismatch';
    headers[name] = value;
  }
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(req.query.keys())) {
    const values = req.query.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }

  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: headers.host ?? '', path: req.rawPath, query, headers, body: undefined },
    {
      signingDate: parseAmzDate(amzDate),
      signingRegion: auth.region,
      signingService: auth.service,
      signableHeaders: new Set(auth.signedHeaders),
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1] ?? '';
  const sameHeaders = /SignedHeaders=([^,]+)/.exec(String(signed.headers.authorization ?? ''))?.[1] === auth.signedHeaders.join(';');
  const a = Buffer.from(expected);
  const b = Buffer.from(auth.signature);
  return sameHeaders && a.length === b.length && timingSafeEqual(a, b) ? 'ok' : 'mismatch';
}

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string): Date {
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(9, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`;
  return new Date(iso);
}
