/**
 * The signed-URL check a CloudFront distribution would make, for a cache behavior whose trusted
 * key group is `<keyGroupId>`:
 *
 *   GET /_sim/cloudfront/<keyGroupId>/<path...>?<query>&Expires|Policy=…&Signature=…&Key-Pair-Id=…[&Hash-Algorithm=SHA256]
 *
 * The URL to sign is the probe URL itself, e.g. `${sim.url}/_sim/cloudfront/${keyGroupId}/a/b.txt`:
 * the signed resource is exactly what the viewer requests, as on a distribution.
 *
 * Resource rule. The viewer URL is `http://<Host header><raw path>[?<raw query>]` where the raw
 * path and query are byte-for-byte as received (still percent-encoded) and the query has the
 * signing parameters (Expires, Policy, Signature, Key-Pair-Id, Hash-Algorithm) removed, every
 * other parameter kept in its place. A canned policy is rebuilt around that URL and the
 * signature must verify over it, so scheme, host, path and query all have to match exactly. A
 * custom policy's Resource is matched against the same URL with AWS's wildcards (`*` any run of
 * characters, `?` exactly one); a custom policy without Resource matches every URL.
 *
 * 200 `{ ok: true, keyPairId, policy, hashAlgorithm }` when the key is in the group, the
 * signature verifies, the resource matches and the policy's time window holds at ctx.now();
 * otherwise 403 `{ ok: false, reason }`.
 */
import { verify, createPublicKey } from 'node:crypto';
import { json, type SimContext, type SimRequest, type SimResponse } from '../protocol';
import { cloudfrontState } from './cloudfront-state';
import { allWorlds } from '../state';

const SIGNING_PARAMS = new Set(['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm']);
const URL_SAFE_BASE64 = /^[A-Za-z0-9\-_~]+$/;

type Verdict = { ok: true; keyPairId: string; policy: 'canned' | 'custom'; hashAlgorithm: 'SHA1' | 'SHA256' } | { ok: false; reason: string };

export function probeSignedUrl(subpath: string, req: SimRequest, ctx: SimContext): SimResponse {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return json(405, { ok: false, reason: `${req.method} is not allowed; signed URLs are checked on GET and HEAD` }, { allow: 'GET, HEAD' });
  }
  const verdict = check(subpath, req, ctx);
  return json(verdict.ok ? 200 : 403, verdict);
}

function check(subpath: string, req: SimRequest, ctx: SimContext): Verdict {
  const keyGroupId = subpath.split('/')[1] ?? '';
  // Key group ids are unique across accounts: the probe stands for a distribution of whichever
  // account owns the group.
  const owner = allWorlds(ctx.home).find((state) => state.services.cloudfront !== undefined && cloudfrontState({ state }).keyGroups[keyGroupId]);
  const cf = cloudfrontState(owner ? { state: owner } : ctx);
  const group = cf.keyGroups[keyGroupId];
  if (!group) return deny(`no key group ${keyGroupId || '(missing)'}: probe URLs are /_sim/cloudfront/<keyGroupId>/<path>`);

  const { params, duplicate, remainingQuery } = splitQuery(req.rawQuery ?? '');
  if (duplicate) return deny(`${duplicate} appears more than once`);
  const keyPairId = params.get('Key-Pair-Id');
  const signature = params.get('Signature');
  const expires = params.get('Expires');
  const encodedPolicy = params.get('Policy');
  if (!keyPairId) return deny('Key-Pair-Id is missing');
  if (!signature) return deny('Signature is missing');
  if (expires === undefined && encodedPolicy === undefined) return deny('neither Expires (canned policy) nor Policy (custom policy) is present');
  if (expires !== undefined && encodedPolicy !== undefined) return deny('both Expires and Policy are present; a signed URL carries one');

  // SHA-1 unless the URL says SHA256. Unconfirmed whether AWS accepts an explicit
  // Hash-Algorithm=SHA1; refused as the stricter reading.
  const hash = params.get('Hash-Algorithm');
  if (hash !== undefined && hash !== 'SHA256') return deny(`Hash-Algorithm ${hash} is not supported (only SHA256)`);
  const hashAlgorithm = hash === 'SHA256' ? 'SHA256' : 'SHA1';

  if (!group.config.Items.includes(keyPairId)) return deny(`public key ${keyPairId} is not in key group ${keyGroupId}`);
  const publicKey = cf.publicKeys[keyPairId];
  if (!publicKey) return deny(`public key ${keyPairId} does not exist`);

  const viewerUrl = `http://${hostOf(req, ctx)}${req.rawPath}${remainingQuery ? `?${remainingQuery}` : ''}`;
  let policyText: string;
  if (expires !== undefined) {
    if (!/^\d{1,12}$/.test(expires)) return deny(`Expires ${expires} is not an epoch time in seconds`);
    policyText = JSON.stringify({
      Statement: [{ Resource: viewerUrl, Condition: { DateLessThan: { 'AWS:EpochTime': Number(expires) } } }],
    });
  } else {
    const decoded = decodeUrlSafeBase64(encodedPolicy ?? '');
    if (!decoded) return deny('Policy is not URL-safe base64');
    policyText = decoded.toString('utf8');
  }

  const signatureBytes = decodeUrlSafeBase64(signature);
  if (!signatureBytes) return deny('Signature is not URL-safe base64');
  let verified = false;
  try {
    // ECDSA signatures are DER (node's default dsaEncoding); RSA is PKCS#1 v1.5.
    verified = verify(hashAlgorithm, Buffer.from(policyText, 'utf8'), createPublicKey(publicKey.config.EncodedKey), signatureBytes);
  } catch {
    verified = false;
  }
  if (!verified) {
    return deny(
      expires !== undefined
        ? `signature does not verify over the canned policy for ${viewerUrl} with ${hashAlgorithm}`
        : `signature does not verify over the custom policy with ${hashAlgorithm}`,
    );
  }

  const policy = expires !== undefined ? canned(Number(expires), viewerUrl) : parseCustomPolicy(policyText);
  if ('reason' in policy) return deny(policy.reason);
  if (policy.resource !== undefined && !wildcardMatch(policy.resource, viewerUrl)) {
    return deny(`policy Resource ${policy.resource} does not match ${viewerUrl}`);
  }
  const nowMs = ctx.now();
  if (nowMs >= policy.dateLessThan * 1000) return deny(`expired at ${new Date(policy.dateLessThan * 1000).toISOString()}`);
  if (policy.dateGreaterThan !== undefined && nowMs <= policy.dateGreaterThan * 1000) {
    return deny(`not valid until after ${new Date(policy.dateGreaterThan * 1000).toISOString()}`);
  }
  if (policy.sourceIp !== undefined) {
    const viewerIp = viewerIpOf(req);
    if (!inCidr(viewerIp, policy.sourceIp)) return deny(`viewer IP ${viewerIp} is not in ${policy.sourceIp}`);
  }
  return { ok: true, keyPairId, policy: expires !== undefined ? 'canned' : 'custom', hashAlgorithm };
}

interface Policy {
  resource?: string;
  dateLessThan: number;
  dateGreaterThan?: number;
  sourceIp?: string;
}

function canned(expires: number, resource: string): Policy {
  return { resource, dateLessThan: expires };
}

/** A custom policy holds one statement; DateLessThan is required, the rest optional. */
function parseCustomPolicy(text: string): Policy | { reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { reason: 'Policy is not JSON' };
  }
  const statements = (parsed as { Statement?: unknown })?.Statement;
  if (!Array.isArray(statements) || statements.length !== 1) return { reason: 'Policy must hold exactly one Statement' };
  const statement = statements[0] as { Resource?: unknown; Condition?: Record<string, unknown> };
  if (statement.Resource !== undefined && typeof statement.Resource !== 'string') return { reason: 'Policy Resource must be a string' };
  const condition = statement.Condition;
  if (!condition || typeof condition !== 'object') return { reason: 'Policy Condition is missing' };
  const unknown = Object.keys(condition).filter((k) => !['DateLessThan', 'DateGreaterThan', 'IpAddress'].includes(k));
  if (unknown.length > 0) return { reason: `Policy Condition ${unknown.join(', ')} is not supported` };
  const dateLessThan = epoch(condition.DateLessThan);
  if (dateLessThan === undefined) return { reason: 'Policy needs Condition.DateLessThan.AWS:EpochTime (integer seconds)' };
  const policy: Policy = { resource: statement.Resource, dateLessThan };
  if (condition.DateGreaterThan !== undefined) {
    const after = epoch(condition.DateGreaterThan);
    if (after === undefined) return { reason: 'Policy Condition.DateGreaterThan.AWS:EpochTime must be integer seconds' };
    policy.dateGreaterThan = after;
  }
  if (condition.IpAddress !== undefined) {
    const ip = (condition.IpAddress as { 'AWS:SourceIp'?: unknown })['AWS:SourceIp'];
    if (typeof ip !== 'string' || !parseCidr(ip)) return { reason: 'Policy Condition.IpAddress.AWS:SourceIp must be an IPv4 CIDR' };
    policy.sourceIp = ip;
  }
  return policy;
}

function epoch(value: unknown): number | undefined {
  const time = (value as { 'AWS:EpochTime'?: unknown } | undefined)?.['AWS:EpochTime'];
  return typeof time === 'number' && Number.isSafeInteger(time) && time >= 0 ? time : undefined;
}

/** Signing parameters out, decoded; every other pair kept raw and in order. */
function splitQuery(rawQuery: string): { params: Map<string, string>; duplicate?: string; remainingQuery: string } {
  const params = new Map<string, string>();
  const kept: string[] = [];
  let duplicate: string | undefined;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = safeDecode(eq === -1 ? pair : pair.slice(0, eq));
    if (!SIGNING_PARAMS.has(name)) {
      kept.push(pair);
      continue;
    }
    if (params.has(name)) duplicate ??= name;
    params.set(name, safeDecode(eq === -1 ? '' : pair.slice(eq + 1)));
  }
  return { params, duplicate, remainingQuery: kept.join('&') };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** CloudFront's URL-safe base64: `+ = /` travel as `- _ ~`. */
function decodeUrlSafeBase64(value: string): Buffer | undefined {
  if (!URL_SAFE_BASE64.test(value)) return undefined;
  const standard = value.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/');
  const bytes = Buffer.from(standard, 'base64');
  return bytes.length > 0 ? bytes : undefined;
}

function wildcardMatch(pattern: string, value: string): boolean {
  const regex = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`, 's').test(value);
}

function hostOf(req: SimRequest, ctx: SimContext): string {
  const host = req.headers.host;
  return typeof host === 'string' && host !== '' ? host : ctx.baseUrl.replace(/^https?:\/\//, '');
}

/**
 * The probe only sees loopback traffic, so the viewer is the first X-Forwarded-For address when
 * a test sets one (as CloudFront's viewer address would be), else 127.0.0.1.
 */
function viewerIpOf(req: SimRequest): string {
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || '127.0.0.1';
}

function parseCidr(cidr: string): { base: number; mask: number } | undefined {
  const [ip, bitsText = '32'] = cidr.split('/');
  const base = ipv4(ip ?? '');
  const bits = Number(bitsText);
  if (base === undefined || !/^\d{1,2}$/.test(bitsText) || bits > 32) return undefined;
  return { base, mask: bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0 };
}

function inCidr(ip: string, cidr: string): boolean {
  const range = parseCidr(cidr);
  const address = ipv4(ip);
  if (!range || address === undefined) return false;
  return ((address & range.mask) >>> 0) === ((range.base & range.mask) >>> 0);
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => ((acc << 8) | Number(p)) >>> 0, 0);
}

function deny(reason: string): Verdict {
  return { ok: false, reason };
}
