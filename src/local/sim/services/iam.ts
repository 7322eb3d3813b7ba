/**
 * IAM server certificates over the awsQuery protocol (aws-facts.md, "IAM server certificates"):
 * POST / with a form body `Action=…&Version=2010-05-08`, XML answers and XML errors.
 *
 * Simulator knobs, in the `iam` slice's `settings` (edit through `PUT /_sim/state` or
 * `POST /_sim/iam/settings {…}`; `GET /_sim/iam/settings` shows them):
 * - `serverCertificateQuota` (default 20, AWS's default quota): raise it to seed hundreds of
 *   certificates for paging tests.
 * - `maxPageItems` (default null = off): when a number, every ListServerCertificates page holds
 *   at most that many items while IsTruncated stays true, because AWS says a page may be short
 *   while IsTruncated is true. A client that stops on a short page is wrong; this proves it.
 * A certificate record's `inUseBy` (array of ARNs, set through `PUT /_sim/state`) makes
 * DeleteServerCertificate answer DeleteConflict, as when a load balancer still serves it.
 *
 * Choices where AWS is unconfirmed (the stricter reading, per aws-facts.md):
 * - model constraints (name/path/marker patterns, lengths, MaxItems, tags) answer ValidationError
 *   in AWS's "N validation errors detected" form; `aws:` tag keys, duplicate tag keys (case
 *   insensitive) and a marker the simulator did not issue answer InvalidInput;
 * - names are unique regardless of case (as for every IAM identifier), lookups are exact;
 * - the chain must be in order (each certificate signed by the next), the key RSA 1024-4096 or
 *   EC P-256/P-384, the private key unencrypted; failures are MalformedCertificate;
 * - pages are sorted by name.
 */
import { randomInt } from 'node:crypto';
import { XMLBuilder } from 'fast-xml-parser';
import { AwsError, json, requestId, xml, type ServiceModule, type SimContext, type SimRequest, type SimResponse } from '../protocol';
import { slice } from '../state';
import { checkServerCertificate } from './iam-certificates';

const NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
const VERSION = '2010-05-08';
const DEFAULT_QUOTA = 20;

export interface IamTag {
  Key: string;
  Value: string;
}

export interface ServerCertificateRecord {
  serverCertificateId: string;
  serverCertificateName: string;
  path: string;
  /** ISO 8601, seconds precision, like IAM. */
  uploadDate: string;
  expiration: string;
  certificateBody: string;
  certificateChain?: string;
  tags: IamTag[];
  /** ARNs of resources serving it; non-empty makes DeleteServerCertificate a DeleteConflict. */
  inUseBy?: string[];
  // The private key is checked and dropped: IAM never returns it, so the simulator never keeps it.
}

export interface IamSettings {
  serverCertificateQuota: number;
  maxPageItems: number | null;
}

export interface IamSlice {
  serverCertificates: ServerCertificateRecord[];
  settings: IamSettings;
}

function iamSlice(ctx: SimContext): IamSlice {
  const s = slice<IamSlice>(ctx.state, 'iam', () => ({
    serverCertificates: [],
    settings: { serverCertificateQuota: DEFAULT_QUOTA, maxPageItems: null },
  }));
  // A state file from before a field existed still loads.
  s.serverCertificates ??= [];
  s.settings ??= { serverCertificateQuota: DEFAULT_QUOTA, maxPageItems: null };
  s.settings.serverCertificateQuota ??= DEFAULT_QUOTA;
  s.settings.maxPageItems ??= null;
  return s;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressBooleanAttributes: false });

function respond(operation: string, result: Record<string, unknown> | undefined): SimResponse {
  const body: Record<string, unknown> = { '@_xmlns': NAMESPACE };
  if (result) body[`${operation}Result`] = result;
  body.ResponseMetadata = { RequestId: requestId() };
  return xml(200, builder.build({ [`${operation}Response`]: body }) as string);
}

// ---------------------------------------------------------------------------------------------
// Input validation, in AWS's "1 validation error detected: …" shape.

class Validation {
  private problems: string[] = [];

  required(value: string | undefined, member: string): value is string {
    if (value === undefined) {
      this.problems.push(`Value null at '${member}' failed to satisfy constraint: Member must not be null`);
      return false;
    }
    return true;
  }

  string(value: string | undefined, member: string, rule: { min?: number; max: number; pattern?: RegExp; patternText?: string }): void {
    if (value === undefined) return;
    const shown = value.length > 64 ? `${value.slice(0, 64)}…` : value;
    if (value.length < (rule.min ?? 1)) {
      this.problems.push(`Value '${shown}' at '${member}' failed to satisfy constraint: Member must have length greater than or equal to ${rule.min ?? 1}`);
    }
    if (value.length > rule.max) {
      this.problems.push(`Value '${shown}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${rule.max}`);
    }
    if (rule.pattern && value.length > 0 && !rule.pattern.test(value)) {
      this.problems.push(
        `Value '${shown}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${rule.patternText ?? rule.pattern.source}`,
      );
    }
  }

  integer(raw: string | undefined, member: string, min: number, max: number): number | undefined {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value)) {
      this.problems.push(`Value '${raw}' at '${member}' failed to satisfy constraint: Member must be an integer`);
      return undefined;
    }
    if (value < min) this.problems.push(`Value '${value}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
    if (value > max) this.problems.push(`Value '${value}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
    return value;
  }

  add(problem: string): void {
    this.problems.push(problem);
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const n = this.problems.length;
    throw new AwsError('ValidationError', 400, `${n} validation error${n > 1 ? 's' : ''} detected: ${this.problems.join('; ')}`);
  }
}

// Patterns from the IAM API model (botocore iam/2010-05-08/service-2.json).
const NAME = { max: 128, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' };
const PATH = { max: 512, pattern: /^(\/|\/[\u0021-\u007E]+\/)$/, patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)' };
const PATH_PREFIX = { max: 512, pattern: /^\/[\u0021-\u007F]*$/, patternText: '\\u002F[\\u0021-\\u007F]*' };
const MARKER = { max: 320, pattern: /^[\u0020-\u00FF]+$/, patternText: '[\\u0020-\\u00FF]+' };
const PEM_TEXT = /^[\u0009\u000A\u000D\u0020-\u00FF]+$/;
const CERTIFICATE_BODY = { max: 16384, pattern: PEM_TEXT, patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' };
const PRIVATE_KEY = CERTIFICATE_BODY;
const CERTIFICATE_CHAIN = { max: 2097152, pattern: PEM_TEXT, patternText: CERTIFICATE_BODY.patternText };
const TAG_KEY = { max: 128, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+' };
const TAG_VALUE = { min: 0, max: 256, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*' };
const MAX_TAGS = 50;

function readTags(form: URLSearchParams, v: Validation): IamTag[] {
  const byIndex = new Map<number, { Key?: string; Value?: string }>();
  for (const [name, value] of form) {
    const m = /^Tags\.member\.(\d+)\.(Key|Value)$/.exec(name);
    if (!m) continue;
    const index = Number(m[1]);
    const entry = byIndex.get(index) ?? {};
    entry[m[2] as 'Key' | 'Value'] = value;
    byIndex.set(index, entry);
  }
  const tags: IamTag[] = [];
  for (const [index, entry] of [...byIndex.entries()].sort((a, b) => a[0] - b[0])) {
    if (v.required(entry.Key, `tags.${index}.member.key`)) v.string(entry.Key, `tags.${index}.member.key`, TAG_KEY);
    if (v.required(entry.Value, `tags.${index}.member.value`)) v.string(entry.Value, `tags.${index}.member.value`, TAG_VALUE);
    tags.push({ Key: entry.Key ?? '', Value: entry.Value ?? '' });
  }
  if (tags.length > MAX_TAGS) {
    v.add(`Value '[…]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`);
  }
  return tags;
}

function checkTagSemantics(tags: IamTag[]): void {
  const seen = new Set<string>();
  for (const tag of tags) {
    const key = tag.Key.toLowerCase();
    if (key.startsWith('aws:')) throw new AwsError('InvalidInput', 400, `Tag keys starting with 'aws:' are reserved for AWS use: ${tag.Key}`);
    if (seen.has(key)) throw new AwsError('InvalidInput', 400, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(key);
  }
}

// ---------------------------------------------------------------------------------------------

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function serverCertificateId(): string {
  let id = 'ASCA';
  for (let i = 0; i < 17; i += 1) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function arnOf(ctx: SimContext, record: ServerCertificateRecord): string {
  return `arn:aws:iam::${ctx.state.accountId}:server-certificate${record.path}${record.serverCertificateName}`;
}

function metadataOf(ctx: SimContext, record: ServerCertificateRecord): Record<string, unknown> {
  return {
    Path: record.path,
    ServerCertificateName: record.serverCertificateName,
    ServerCertificateId: record.serverCertificateId,
    Arn: arnOf(ctx, record),
    UploadDate: record.uploadDate,
    Expiration: record.expiration,
  };
}

function tagsXml(tags: IamTag[]): Record<string, unknown> {
  return { member: tags.map((t) => ({ Key: t.Key, Value: t.Value })) };
}

/** IAM names are unique regardless of case (IAM identifiers guide); lookups use the exact name. */
function findByName(s: IamSlice, name: string): ServerCertificateRecord | undefined {
  return s.serverCertificates.find((c) => c.serverCertificateName === name);
}

function noSuchEntity(name: string): AwsError {
  return new AwsError('NoSuchEntity', 404, `The Server Certificate with name ${name} cannot be found.`);
}

function uploadServerCertificate(form: URLSearchParams, ctx: SimContext): SimResponse {
  const v = new Validation();
  const name = form.get('ServerCertificateName') ?? undefined;
  const body = form.get('CertificateBody') ?? undefined;
  const privateKey = form.get('PrivateKey') ?? undefined;
  const chain = form.get('CertificateChain') ?? undefined;
  const path = form.get('Path') ?? undefined;
  if (v.required(name, 'serverCertificateName')) v.string(name, 'serverCertificateName', NAME);
  if (v.required(body, 'certificateBody')) v.string(body, 'certificateBody', CERTIFICATE_BODY);
  if (v.required(privateKey, 'privateKey')) v.string(privateKey, 'privateKey', PRIVATE_KEY);
  v.string(chain, 'certificateChain', CERTIFICATE_CHAIN);
  v.string(path, 'path', PATH);
  const tags = readTags(form, v);
  v.throwIfAny();
  checkTagSemantics(tags);

  const s = iamSlice(ctx);
  const wanted = (name as string).toLowerCase();
  if (s.serverCertificates.some((c) => c.serverCertificateName.toLowerCase() === wanted)) {
    throw new AwsError('EntityAlreadyExists', 409, `The Server Certificate with name ${name} already exists.`);
  }
  if (s.serverCertificates.length >= s.settings.serverCertificateQuota) {
    throw new AwsError('LimitExceeded', 409, `Cannot exceed quota for ServerCertificatesPerAccount: ${s.settings.serverCertificateQuota}`);
  }
  const now = ctx.now();
  const checked = checkServerCertificate(
    { certificateBody: body as string, privateKey: privateKey as string, certificateChain: chain },
    now,
  );
  const record: ServerCertificateRecord = {
    serverCertificateId: serverCertificateId(),
    serverCertificateName: name as string,
    path: path ?? '/',
    uploadDate: isoSeconds(now),
    expiration: isoSeconds(checked.notAfterMs),
    certificateBody: body as string,
    ...(chain !== undefined ? { certificateChain: chain } : {}),
    tags,
  };
  s.serverCertificates.push(record);
  const result: Record<string, unknown> = { ServerCertificateMetadata: metadataOf(ctx, record) };
  if (tags.length > 0) result.Tags = tagsXml(tags);
  return respond('UploadServerCertificate', result);
}

function getServerCertificate(form: URLSearchParams, ctx: SimContext): SimResponse {
  const v = new Validation();
  const name = form.get('ServerCertificateName') ?? undefined;
  if (v.required(name, 'serverCertificateName')) v.string(name, 'serverCertificateName', NAME);
  v.throwIfAny();
  const record = findByName(iamSlice(ctx), name as string);
  if (!record) throw noSuchEntity(name as string);
  const certificate: Record<string, unknown> = {
    ServerCertificateMetadata: metadataOf(ctx, record),
    CertificateBody: record.certificateBody,
  };
  if (record.certificateChain !== undefined) certificate.CertificateChain = record.certificateChain;
  if (record.tags.length > 0) certificate.Tags = tagsXml(record.tags);
  return respond('GetServerCertificate', { ServerCertificate: certificate });
}

function updateServerCertificate(form: URLSearchParams, ctx: SimContext): SimResponse {
  const v = new Validation();
  const name = form.get('ServerCertificateName') ?? undefined;
  const newName = form.get('NewServerCertificateName') ?? undefined;
  const newPath = form.get('NewPath') ?? undefined;
  if (v.required(name, 'serverCertificateName')) v.string(name, 'serverCertificateName', NAME);
  v.string(newName, 'newServerCertificateName', NAME);
  v.string(newPath, 'newPath', PATH);
  v.throwIfAny();
  const s = iamSlice(ctx);
  const record = findByName(s, name as string);
  if (!record) throw noSuchEntity(name as string);
  if (newName !== undefined) {
    const clash = s.serverCertificates.find(
      (c) => c !== record && c.serverCertificateName.toLowerCase() === newName.toLowerCase(),
    );
    if (clash) throw new AwsError('EntityAlreadyExists', 409, `The Server Certificate with name ${newName} already exists.`);
    record.serverCertificateName = newName;
  }
  if (newPath !== undefined) record.path = newPath;
  return respond('UpdateServerCertificate', undefined);
}

function deleteServerCertificate(form: URLSearchParams, ctx: SimContext): SimResponse {
  const v = new Validation();
  const name = form.get('ServerCertificateName') ?? undefined;
  if (v.required(name, 'serverCertificateName')) v.string(name, 'serverCertificateName', NAME);
  v.throwIfAny();
  const s = iamSlice(ctx);
  const record = findByName(s, name as string);
  if (!record) throw noSuchEntity(name as string);
  if (record.inUseBy && record.inUseBy.length > 0) {
    throw new AwsError('DeleteConflict', 409, `Certificate: ${record.serverCertificateId} is currently in use by ${record.inUseBy.join(', ')}. Please remove it first before deleting it from IAM.`);
  }
  s.serverCertificates = s.serverCertificates.filter((c) => c !== record);
  return respond('DeleteServerCertificate', undefined);
}

/** Markers are opaque to callers; inside, the name the previous page ended on. */
function encodeMarker(afterName: string): string {
  return Buffer.from(JSON.stringify({ after: afterName }), 'utf8').toString('base64');
}

function decodeMarker(marker: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(marker, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through
  }
  throw new AwsError('InvalidInput', 400, 'Invalid Marker.');
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function listServerCertificates(form: URLSearchParams, ctx: SimContext): SimResponse {
  const v = new Validation();
  const pathPrefix = form.get('PathPrefix') ?? undefined;
  const marker = form.get('Marker') ?? undefined;
  v.string(pathPrefix, 'pathPrefix', PATH_PREFIX);
  v.string(marker, 'marker', MARKER);
  const maxItems = v.integer(form.get('MaxItems') ?? undefined, 'maxItems', 1, 1000) ?? 100;
  v.throwIfAny();
  const s = iamSlice(ctx);
  const after = marker === undefined ? undefined : decodeMarker(marker);
  const matching = s.serverCertificates
    .filter((c) => c.path.startsWith(pathPrefix ?? '/'))
    .sort((a, b) => compareNames(a.serverCertificateName, b.serverCertificateName))
    .filter((c) => after === undefined || compareNames(c.serverCertificateName, after) > 0);
  const pageSize = Math.min(maxItems, s.settings.maxPageItems ?? Number.POSITIVE_INFINITY);
  const page = matching.slice(0, pageSize);
  const isTruncated = matching.length > page.length;
  const result: Record<string, unknown> = {
    ServerCertificateMetadataList: { member: page.map((c) => metadataOf(ctx, c)) },
    IsTruncated: isTruncated,
  };
  const last = page[page.length - 1];
  if (isTruncated && last) result.Marker = encodeMarker(last.serverCertificateName);
  return respond('ListServerCertificates', result);
}

const OPERATIONS: Record<string, (form: URLSearchParams, ctx: SimContext) => SimResponse> = {
  UploadServerCertificate: uploadServerCertificate,
  GetServerCertificate: getServerCertificate,
  UpdateServerCertificate: updateServerCertificate,
  DeleteServerCertificate: deleteServerCertificate,
  ListServerCertificates: listServerCertificates,
};

/** The form parameters: the POST body, or the query string for a GET-style query request. */
function formOf(req: SimRequest): URLSearchParams {
  if (req.method === 'POST' && req.body.length > 0) return new URLSearchParams(req.body.toString('utf8'));
  return req.query;
}

function settingsProbe(req: SimRequest, ctx: SimContext): SimResponse {
  const s = iamSlice(ctx);
  if (req.method === 'POST') {
    let body: Partial<IamSettings>;
    try {
      body = JSON.parse(req.body.toString('utf8') || '{}') as Partial<IamSettings>;
    } catch {
      return json(400, { error: 'body is not valid JSON' });
    }
    const { serverCertificateQuota, maxPageItems } = body;
    if (serverCertificateQuota !== undefined && !(Number.isInteger(serverCertificateQuota) && serverCertificateQuota >= 0)) {
      return json(400, { error: 'serverCertificateQuota must be a non-negative integer' });
    }
    if (maxPageItems !== undefined && maxPageItems !== null && !(Number.isInteger(maxPageItems) && maxPageItems >= 1)) {
      return json(400, { error: 'maxPageItems must be a positive integer or null' });
    }
    if (serverCertificateQuota !== undefined) s.settings.serverCertificateQuota = serverCertificateQuota;
    if (maxPageItems !== undefined) s.settings.maxPageItems = maxPageItems;
    ctx.persist();
  } else if (req.method !== 'GET') {
    return json(405, { error: 'use GET or POST' });
  }
  return json(200, s.settings);
}

export const iam: ServiceModule = {
  service: 'iam',
  scope: 'global',
  matches: (req) => req.method === 'POST' && req.path === '/' && /(^|&)Version=2010-05-08(&|$)/.test(req.body.toString('utf8')),
  operation: (req) => {
    const form = formOf(req);
    const action = form.get('Action');
    if (!action) throw new AwsError('MissingAction', 400, 'Missing Action');
    if (form.get('Version') !== VERSION) {
      throw new AwsError('InvalidAction', 400, `Could not find operation ${action} for version ${form.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
    }
    if (!OPERATIONS[action]) throw new AwsError('InvalidAction', 400, `Could not find operation ${action} for version ${VERSION}`);
    return action;
  },
  handle: (operation, req, ctx) => {
    const run = OPERATIONS[operation];
    if (!run) throw new AwsError('InvalidAction', 400, `Could not find operation ${operation} for version ${VERSION}`);
    return run(formOf(req), ctx);
  },
  renderError: (error) => {
    // A simulator bug reaches here as InternalFailure; IAM's own 5xx code is ServiceFailure.
    const code = error.code === 'InternalFailure' ? 'ServiceFailure' : error.code;
    const body = builder.build({
      ErrorResponse: {
        '@_xmlns': NAMESPACE,
        Error: { Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: code, Message: error.message },
        RequestId: requestId(),
      },
    }) as string;
    return xml(error.status, body);
  },
  throttlingError: () => new AwsError('Throttling', 400, 'Rate exceeded'),
  resourceOf: (_operation, req, ctx) => {
    const form = formOf(req);
    const name = form.get('ServerCertificateName');
    if (!name) return undefined;
    const record = findByName(iamSlice(ctx), name);
    return record ? arnOf(ctx, record) : `arn:aws:iam::${ctx.state.accountId}:server-certificate${form.get('Path') ?? '/'}${name}`;
  },
  probe: (subpath, req, ctx) => {
    if (subpath === '/settings') return settingsProbe(req, ctx);
    return json(404, { error: `no IAM simulator route ${req.method} /_sim/iam${subpath}` });
  },
};
