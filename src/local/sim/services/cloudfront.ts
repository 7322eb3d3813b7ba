/**
 * Simulated CloudFront (API 2020-05-31, restXml): public keys and key groups, as strict as AWS
 * (aws-facts.md "CloudFront"): a new ETag on every write, If-Match required on every
 * update and delete, the default quotas, AWS's error codes and statuses. Where AWS is
 * unconfirmed the stricter reading is taken and marked "Unconfirmed".
 *
 * The signed-URL check that stands in for a CloudFront distribution is in cloudfront-probe.ts.
 */
import { createPublicKey, randomInt, randomUUID } from 'node:crypto';
import { AwsError, requestId, xml, type ServiceModule, type SimContext, type SimRequest, type SimResponse } from '../protocol';
import { takeNextId } from '../state';
import { document, errorDocument, parseRoot, text, textList } from './cloudfront-xml';
import { probeSignedUrl } from './cloudfront-probe';
import { cloudfrontState, type KeyGroupConfig, type PublicKeyConfig, type StoredKeyGroup, type StoredPublicKey } from './cloudfront-state';

const API = '/2020-05-31';

/** Default quotas (raisable on AWS, fixed here). */
const QUOTAS = { publicKeysPerAccount: 10, keyGroupsPerAccount: 10, publicKeysPerKeyGroup: 5 } as const;
const COMMENT_MAX = 128;
// Unconfirmed by AWS (aws-facts.md: "as enforced by common tooling"): letters, digits, - and _, 1–128.
const NAME = /^[A-Za-z0-9_-]{1,128}$/;
// Unconfirmed: CallerReference's limit; 128 like Name, the stricter of the plausible readings.
const CALLER_REFERENCE_MAX = 128;
/**
 * Our ETags are `E` + 13 of [A-Z0-9] (AWS's shape, e.g. E2QWRUHAPOMQZL); AWS's own are 13–14
 * characters. Unconfirmed what AWS does with a value of another shape: the stricter reading is
 * InvalidIfMatchVersion (400) rather than PreconditionFailed (412).
 */
const ETAG = /^E[A-Z0-9]{12,13}$/;
const LIST_MAX_ITEMS = 100;

type Handler = (req: SimRequest, ctx: SimContext, id: string) => SimResponse;
interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
}

const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/public-key$/, operation: 'CreatePublicKey' },
  { method: 'GET', pattern: /^\/public-key$/, operation: 'ListPublicKeys' },
  { method: 'GET', pattern: /^\/public-key\/([^/]+)$/, operation: 'GetPublicKey' },
  { method: 'GET', pattern: /^\/public-key\/([^/]+)\/config$/, operation: 'GetPublicKeyConfig' },
  { method: 'PUT', pattern: /^\/public-key\/([^/]+)\/config$/, operation: 'UpdatePublicKey' },
  { method: 'DELETE', pattern: /^\/public-key\/([^/]+)$/, operation: 'DeletePublicKey' },
  { method: 'POST', pattern: /^\/key-group$/, operation: 'CreateKeyGroup' },
  { method: 'GET', pattern: /^\/key-group$/, operation: 'ListKeyGroups' },
  { method: 'GET', pattern: /^\/key-group\/([^/]+)$/, operation: 'GetKeyGroup' },
  { method: 'GET', pattern: /^\/key-group\/([^/]+)\/config$/, operation: 'GetKeyGroupConfig' },
  { method: 'PUT', pattern: /^\/key-group\/([^/]+)$/, operation: 'UpdateKeyGroup' },
  { method: 'DELETE', pattern: /^\/key-group\/([^/]+)$/, operation: 'DeleteKeyGroup' },
];

function findRoute(req: SimRequest): { operation: string; id: string } | undefined {
  if (!req.path.startsWith(`${API}/`)) return undefined;
  const rest = req.path.slice(API.length);
  for (const route of ROUTES) {
    if (route.method !== req.method) continue;
    const match = route.pattern.exec(rest);
    if (match) return { operation: route.operation, id: match[1] ?? '' };
  }
  return undefined;
}

const HANDLERS: Record<string, Handler> = {
  CreatePublicKey: createPublicKeyOp,
  ListPublicKeys: listPublicKeys,
  GetPublicKey: (req, ctx, id) => {
    const key = findPublicKey(ctx, id);
    return xml(200, document('PublicKey', publicKeyXml(key)), { etag: key.etag });
  },
  GetPublicKeyConfig: (req, ctx, id) => {
    const key = findPublicKey(ctx, id);
    return xml(200, document('PublicKeyConfig', publicKeyConfigXml(key.config)), { etag: key.etag });
  },
  UpdatePublicKey: updatePublicKey,
  DeletePublicKey: deletePublicKey,
  CreateKeyGroup: createKeyGroup,
  ListKeyGroups: listKeyGroups,
  GetKeyGroup: (req, ctx, id) => {
    const group = findKeyGroup(ctx, id);
    return xml(200, document('KeyGroup', keyGroupXml(group)), { etag: group.etag });
  },
  GetKeyGroupConfig: (req, ctx, id) => {
    const group = findKeyGroup(ctx, id);
    return xml(200, document('KeyGroupConfig', keyGroupConfigXml(group.config)), { etag: group.etag });
  },
  UpdateKeyGroup: updateKeyGroup,
  DeleteKeyGroup: deleteKeyGroup,
};

export const cloudfront: ServiceModule = {
  service: 'cloudfront',
  scope: 'global',
  matches: (req) => req.path === API || req.path.startsWith(`${API}/`),
  operation: (req) => {
    const route = findRoute(req);
    // Unconfirmed what CloudFront answers for a route it does not have; an honest "not simulated".
    if (!route) throw new AwsError('NotImplemented', 501, `${req.method} ${req.path} is not a simulated CloudFront operation`);
    return route.operation;
  },
  handle: (operation, req, ctx) => {
    const route = findRoute(req);
    const handler = HANDLERS[operation];
    if (!route || !handler) throw new AwsError('NotImplemented', 501, `${operation} is not simulated`);
    return handler(req, ctx, route.id);
  },
  renderError: (error) => {
    const id = requestId();
    const type = error.status >= 500 ? 'Receiver' : 'Sender';
    return xml(error.status, errorDocument(type, error.code, error.message, id), { 'x-amzn-requestid': id });
  },
  throttlingError: () => new AwsError('Throttling', 400, 'Rate exceeded'),
  probe: (subpath, req, ctx) => probeSignedUrl(subpath, req, ctx),
};

// ---------------------------------------------------------------------------------------------
// Public keys

function createPublicKeyOp(req: SimRequest, ctx: SimContext): SimResponse {
  const config = readPublicKeyConfig(req);
  const cf = cloudfrontState(ctx);
  const keys = Object.values(cf.publicKeys);
  // CallerReference reuse is unconfirmed (aws-facts.md); a name clash is PublicKeyAlreadyExists.
  if (keys.some((k) => k.config.Name === config.Name)) {
    throw new AwsError('PublicKeyAlreadyExists', 409, `A public key named ${config.Name} already exists.`);
  }
  if (keys.length >= QUOTAS.publicKeysPerAccount) {
    throw new AwsError('TooManyPublicKeys', 400, `You have reached the maximum of ${QUOTAS.publicKeysPerAccount} public keys in this account.`);
  }
  const key: StoredPublicKey = {
    id: uniqueId(() => `K${randomAlnum(13)}`, cf.publicKeys),
    createdTime: new Date(ctx.now()).toISOString(),
    etag: newEtag(),
    config,
  };
  cf.publicKeys[key.id] = key;
  return xml(201, document('PublicKey', publicKeyXml(key)), {
    location: `${ctx.baseUrl}${API}/public-key/${key.id}`,
    etag: key.etag,
  });
}

function updatePublicKey(req: SimRequest, ctx: SimContext, id: string): SimResponse {
  const ifMatch = requireIfMatch(req);
  const key = findPublicKey(ctx, id);
  checkEtag(ifMatch, key.etag);
  const config = readPublicKeyConfig(req);
  // Public keys are immutable: only Comment may change.
  const immutable = (['CallerReference', 'Name', 'EncodedKey'] as const).filter((f) => config[f] !== key.config[f]);
  if (immutable.length > 0) {
    throw new AwsError('CannotChangeImmutablePublicKeyFields', 400, `You can't change the public key's ${immutable.join(', ')}; only Comment may change.`);
  }
  key.config = config;
  key.etag = newEtag(key.etag);
  return xml(200, document('PublicKey', publicKeyXml(key)), { etag: key.etag });
}

function deletePublicKey(req: SimRequest, ctx: SimContext, id: string): SimResponse {
  const ifMatch = requireIfMatch(req);
  const key = findPublicKey(ctx, id);
  checkEtag(ifMatch, key.etag);
  const cf = cloudfrontState(ctx);
  const users = Object.values(cf.keyGroups).filter((g) => g.config.Items.includes(id));
  if (users.length > 0) {
    throw new AwsError('PublicKeyInUse', 409, `The public key ${id} is still in key group ${users.map((g) => g.id).join(', ')}.`);
  }
  delete cf.publicKeys[id];
  return { status: 204 };
}

function listPublicKeys(req: SimRequest, ctx: SimContext): SimResponse {
  const page = paginate(Object.values(cloudfrontState(ctx).publicKeys), req);
  const list: Record<string, unknown> = {};
  if (page.nextMarker) list.NextMarker = page.nextMarker;
  list.MaxItems = page.maxItems;
  list.Quantity = page.items.length;
  if (page.items.length > 0) {
    list.Items = {
      PublicKeySummary: page.items.map((k) => ({
        Id: k.id,
        Name: k.config.Name,
        CreatedTime: k.createdTime,
        EncodedKey: k.config.EncodedKey,
        ...(k.config.Comment !== undefined ? { Comment: k.config.Comment } : {}),
      })),
    };
  }
  return xml(200, document('PublicKeyList', list));
}

function readPublicKeyConfig(req: SimRequest): PublicKeyConfig {
  const node = parseRoot(req.body, 'PublicKeyConfig');
  const callerReference = required(text(node, 'CallerReference'), 'CallerReference');
  if (callerReference.length > CALLER_REFERENCE_MAX) invalid(`CallerReference must be at most ${CALLER_REFERENCE_MAX} characters.`);
  const name = required(text(node, 'Name'), 'Name');
  checkName(name);
  const encodedKey = required(text(node, 'EncodedKey'), 'EncodedKey');
  checkEncodedKey(encodedKey);
  const comment = text(node, 'Comment');
  checkComment(comment);
  return { CallerReference: callerReference, Name: name, EncodedKey: encodedKey, ...(comment !== undefined ? { Comment: comment } : {}) };
}

const SPKI_PEM = /^\s*-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\s*$/;

/**
 * An SPKI PEM of an RSA 2048 or EC P-256 key (aws-facts.md). A PKCS#1 `RSA PUBLIC KEY`, a
 * certificate or a private key is refused even though node:crypto could derive a key from it.
 */
function checkEncodedKey(encodedKey: string): void {
  if (!SPKI_PEM.test(encodedKey)) invalid('EncodedKey must be a PEM-encoded SubjectPublicKeyInfo (-----BEGIN PUBLIC KEY-----).');
  let details: { modulusLength?: number; namedCurve?: string } | undefined;
  let type: string | undefined;
  try {
    const key = createPublicKey({ key: encodedKey, format: 'pem' });
    type = key.asymmetricKeyType;
    details = key.asymmetricKeyDetails;
  } catch {
    invalid('EncodedKey is not a valid public key.');
  }
  const rsa2048 = type === 'rsa' && details?.modulusLength === 2048;
  const p256 = type === 'ec' && details?.namedCurve === 'prime256v1';
  if (!rsa2048 && !p256) invalid('EncodedKey must be an RSA 2048-bit or ECDSA P-256 public key.');
}

function findPublicKey(ctx: SimContext, id: string): StoredPublicKey {
  const key = cloudfrontState(ctx).publicKeys[id];
  if (!key) throw new AwsError('NoSuchPublicKey', 404, `The specified public key ${id} does not exist.`);
  return key;
}

function publicKeyConfigXml(config: PublicKeyConfig): Record<string, unknown> {
  return {
    CallerReference: config.CallerReference,
    Name: config.Name,
    EncodedKey: config.EncodedKey,
    ...(config.Comment !== undefined ? { Comment: config.Comment } : {}),
  };
}

function publicKeyXml(key: StoredPublicKey): Record<string, unknown> {
  return { Id: key.id, CreatedTime: key.createdTime, PublicKeyConfig: publicKeyConfigXml(key.config) };
}

// ---------------------------------------------------------------------------------------------
// Key groups

function createKeyGroup(req: SimRequest, ctx: SimContext): SimResponse {
  const config = readKeyGroupConfig(req, ctx);
  const cf = cloudfrontState(ctx);
  const groups = Object.values(cf.keyGroups);
  if (groups.some((g) => g.config.Name === config.Name)) {
    throw new AwsError('KeyGroupAlreadyExists', 409, `A key group named ${config.Name} already exists.`);
  }
  if (groups.length >= QUOTAS.keyGroupsPerAccount) {
    throw new AwsError('TooManyKeyGroups', 400, `You have reached the maximum of ${QUOTAS.keyGroupsPerAccount} key groups in this account.`);
  }
  const group: StoredKeyGroup = {
    id: takeNextId(ctx.state, 'cloudfront.keyGroup', (id) => Boolean(cf.keyGroups[id])) ?? uniqueId(randomUUID, cf.keyGroups),
    lastModifiedTime: new Date(ctx.now()).toISOString(),
    etag: newEtag(),
    config,
  };
  cf.keyGroups[group.id] = group;
  return xml(201, document('KeyGroup', keyGroupXml(group)), {
    location: `${ctx.baseUrl}${API}/key-group/${group.id}`,
    etag: group.etag,
  });
}

function updateKeyGroup(req: SimRequest, ctx: SimContext, id: string): SimResponse {
  applyRacingWriters(ctx, id);
  const ifMatch = requireIfMatch(req);
  const group = findKeyGroup(ctx, id);
  checkEtag(ifMatch, group.etag);
  const config = readKeyGroupConfig(req, ctx);
  const clash = Object.values(cloudfrontState(ctx).keyGroups).find((g) => g.id !== id && g.config.Name === config.Name);
  if (clash) throw new AwsError('KeyGroupAlreadyExists', 409, `A key group named ${config.Name} already exists.`);
  // UpdateKeyGroup replaces the whole config: an omitted Comment is removed.
  group.config = config;
  group.etag = newEtag(group.etag);
  group.lastModifiedTime = new Date(ctx.now()).toISOString();
  return xml(200, document('KeyGroup', keyGroupXml(group)), { etag: group.etag });
}

/**
 * The fault "racing writer": someone else edits the key group just before this UpdateKeyGroup
 * lands, so the caller's If-Match is stale. The edit obeys the same rules as a real caller's
 * (the key exists, no duplicates, 1–5 keys); an edit those rules forbid is skipped and changes
 * nothing. It is not an AWS call, so it is not in the call log.
 */
function applyRacingWriters(ctx: SimContext, keyGroupId: string): void {
  const racers = ctx.faults.takeRacingWriters(keyGroupId);
  const cf = cloudfrontState(ctx);
  const group = cf.keyGroups[keyGroupId];
  if (!group) return;
  for (const racer of racers) {
    const items = [...group.config.Items];
    const add = racer.addPublicKeyId;
    if (add && cf.publicKeys[add] && !items.includes(add) && items.length < QUOTAS.publicKeysPerKeyGroup) items.push(add);
    const remove = racer.removePublicKeyId;
    if (remove && items.includes(remove) && items.length > 1) items.splice(items.indexOf(remove), 1);
    racer.applied = !(items.length === group.config.Items.length && items.every((k, i) => k === group.config.Items[i]));
    if (!racer.applied) continue;
    group.config = { ...group.config, Items: items };
    group.etag = newEtag(group.etag);
    group.lastModifiedTime = new Date(ctx.now()).toISOString();
  }
}

function deleteKeyGroup(req: SimRequest, ctx: SimContext, id: string): SimResponse {
  const ifMatch = requireIfMatch(req);
  const group = findKeyGroup(ctx, id);
  checkEtag(ifMatch, group.etag);
  // Distributions are not simulated, so ResourceInUse (key group still used by a cache
  // behavior) cannot arise here.
  delete cloudfrontState(ctx).keyGroups[id];
  return { status: 204 };
}

function listKeyGroups(req: SimRequest, ctx: SimContext): SimResponse {
  const page = paginate(Object.values(cloudfrontState(ctx).keyGroups), req);
  const list: Record<string, unknown> = {};
  if (page.nextMarker) list.NextMarker = page.nextMarker;
  list.MaxItems = page.maxItems;
  list.Quantity = page.items.length;
  if (page.items.length > 0) {
    list.Items = { KeyGroupSummary: page.items.map((g) => ({ KeyGroup: keyGroupXml(g) })) };
  }
  return xml(200, document('KeyGroupList', list));
}

function readKeyGroupConfig(req: SimRequest, ctx: SimContext): KeyGroupConfig {
  const node = parseRoot(req.body, 'KeyGroupConfig');
  const name = required(text(node, 'Name'), 'Name');
  checkName(name);
  const items = textList(node, 'Items', 'PublicKey');
  if (items === undefined) invalid('Items is required.');
  const comment = text(node, 'Comment');
  checkComment(comment);
  if (items.length === 0) invalid('A key group must contain at least one public key.');
  if (items.length > QUOTAS.publicKeysPerKeyGroup) {
    throw new AwsError(
      'TooManyPublicKeysInKeyGroup',
      400,
      `A key group can contain at most ${QUOTAS.publicKeysPerKeyGroup} public keys; the request has ${items.length}.`,
    );
  }
  // Unconfirmed how AWS treats the same key listed twice; refused as the stricter reading.
  const duplicate = items.find((k, i) => items.indexOf(k) !== i);
  if (duplicate) invalid(`Public key ${duplicate} is listed more than once.`);
  const publicKeys = cloudfrontState(ctx).publicKeys;
  const missing = items.find((k) => !publicKeys[k]);
  if (missing) throw new AwsError('NoSuchPublicKey', 404, `The specified public key ${missing} does not exist.`);
  return { Name: name, Items: items, ...(comment !== undefined ? { Comment: comment } : {}) };
}

function findKeyGroup(ctx: SimContext, id: string): StoredKeyGroup {
  const group = cloudfrontState(ctx).keyGroups[id];
  // There is no NoSuchKeyGroup: AWS answers NoSuchResource.
  if (!group) throw new AwsError('NoSuchResource', 404, `The specified key group ${id} does not exist.`);
  return group;
}

function keyGroupConfigXml(config: KeyGroupConfig): Record<string, unknown> {
  return {
    Name: config.Name,
    Items: { PublicKey: config.Items },
    ...(config.Comment !== undefined ? { Comment: config.Comment } : {}),
  };
}

function keyGroupXml(group: StoredKeyGroup): Record<string, unknown> {
  return { Id: group.id, LastModifiedTime: group.lastModifiedTime, KeyGroupConfig: keyGroupConfigXml(group.config) };
}

// ---------------------------------------------------------------------------------------------
// Shared rules

/**
 * Unconfirmed whether AWS checks If-Match before looking the resource up; checking it first
 * means a request without If-Match fails the same way whatever its Id.
 */
function requireIfMatch(req: SimRequest): string {
  const value = req.headers['if-match'];
  if (typeof value !== 'string' || value === '') {
    throw new AwsError('InvalidIfMatchVersion', 400, 'The If-Match version is missing or not valid.');
  }
  if (!ETAG.test(value)) throw new AwsError('InvalidIfMatchVersion', 400, `The If-Match version ${value} is not valid.`);
  return value;
}

function checkEtag(ifMatch: string, current: string): void {
  if (ifMatch !== current) {
    throw new AwsError('PreconditionFailed', 412, 'The precondition given in one or more of the request-header fields evaluated to false.');
  }
}

function checkName(name: string): void {
  if (!NAME.test(name)) invalid('Name must be 1 to 128 characters: letters, digits, hyphens (-) and underscores (_).');
}

function checkComment(comment: string | undefined): void {
  if (comment !== undefined && comment.length > COMMENT_MAX) invalid(`Comment must be at most ${COMMENT_MAX} characters.`);
}

function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') invalid(`${field} is required.`);
  return value;
}

function invalid(message: string): never {
  throw new AwsError('InvalidArgument', 400, message);
}

/**
 * Marker/MaxItems paging in creation order. ListPublicKeys: "The results include public keys in
 * the list that occur after the marker. To get the next page of results, set the Marker to the
 * value of the NextMarker from the current page's response (which is also the ID of the last
 * public key on that page)"; ListKeyGroups the same ("key groups in the list that occur after the
 * marker"). A Marker that names no item is InvalidArgument (the documentation is silent: stricter
 * than restarting silently). MaxItems must be a positive integer; above 100 it is capped at 100
 * (unconfirmed).
 */
function paginate<T extends { id: string }>(all: T[], req: SimRequest): { items: T[]; nextMarker?: string; maxItems: number } {
  const rawMax = req.query.get('MaxItems');
  let maxItems = LIST_MAX_ITEMS;
  if (rawMax !== null) {
    if (!/^\d+$/.test(rawMax) || Number(rawMax) < 1) invalid('MaxItems must be a positive integer.');
    maxItems = Math.min(Number(rawMax), LIST_MAX_ITEMS);
  }
  const marker = req.query.get('Marker');
  let start = 0;
  if (marker) {
    const at = all.findIndex((item) => item.id === marker);
    if (at === -1) invalid(`Marker ${marker} is not valid.`);
    start = at + 1;
  }
  const items = all.slice(start, start + maxItems);
  const more = start + maxItems < all.length;
  return { items, ...(more ? { nextMarker: items[items.length - 1]!.id } : {}), maxItems };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomAlnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/** A fresh ETag; never the one it replaces, so every write changes it. */
function newEtag(previous?: string): string {
  let etag = `E${randomAlnum(13)}`;
  while (etag === previous) etag = `E${randomAlnum(13)}`;
  return etag;
}

function uniqueId(make: () => string, taken: Record<string, unknown>): string {
  let id = make();
  while (taken[id]) id = make();
  return id;
}
