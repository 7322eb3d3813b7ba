/**
 * CloudFront public keys keyturn creates and deletes. A key is keyturn's when its comment starts
 * with MANAGED_MARKER. Besides its own, keyturn deletes only the key a rotated secret named before
 * the rotation (adopted: see signing-key.ts), never another key of the group (docs/design.md).
 */
import {
  CreatePublicKeyCommand,
  DeletePublicKeyCommand,
  GetPublicKeyCommand,
  ListPublicKeysCommand,
  NoSuchPublicKey,
  PreconditionFailed,
  PublicKeyAlreadyExists,
  PublicKeyInUse,
  TooManyPublicKeys,
} from '@aws-sdk/client-cloudfront';
import { QuotaExceededError, TransientAwsError } from '../errors';
import type { Log } from '../logger';
import { PublicKeyMismatchError, translateTransient } from './errors';
import { samePublicKey } from './key-pair';
import type { CloudFrontApi } from './key-group';

export const MANAGED_MARKER = 'keyturn';
/** CloudFront's default per-account quota. */
export const MAX_PUBLIC_KEYS_PER_ACCOUNT = 10;

export interface PublicKeySummary {
  id: string;
  name: string;
  comment?: string;
  encodedKey: string;
}

export const isManaged = (key: Pick<PublicKeySummary, 'comment'>): boolean =>
  (key.comment ?? '').startsWith(MANAGED_MARKER);

export async function listPublicKeys(client: CloudFrontApi): Promise<PublicKeySummary[]> {
  const keys: PublicKeySummary[] = [];
  let marker: string | undefined;
  do {
    let out;
    try {
      out = await client.send(new ListPublicKeysCommand({ Marker: marker, MaxItems: 100 }));
    } catch (error) {
      throw translateTransient(error, 'ListPublicKeys');
    }
    for (const item of out.PublicKeyList?.Items ?? []) {
      keys.push({ id: item.Id ?? '', name: item.Name ?? '', comment: item.Comment, encodedKey: item.EncodedKey ?? '' });
    }
    marker = out.PublicKeyList?.NextMarker || undefined;
  } while (marker);
  return keys;
}

export async function findPublicKeyByName(client: CloudFrontApi, name: string): Promise<PublicKeySummary | undefined> {
  return (await listPublicKeys(client)).find((k) => k.name === name);
}

export async function getPublicKey(
  client: CloudFrontApi,
  id: string,
): Promise<(PublicKeySummary & { etag: string }) | undefined> {
  try {
    const out = await client.send(new GetPublicKeyCommand({ Id: id }));
    const config = out.PublicKey?.PublicKeyConfig;
    return { id, name: config?.Name ?? '', comment: config?.Comment, encodedKey: config?.EncodedKey ?? '', etag: out.ETag ?? '' };
  } catch (error) {
    if (error instanceof NoSuchPublicKey) return undefined;
    throw translateTransient(error, 'GetPublicKey');
  }
}

/**
 * Creates the public key `name` unless it exists already (a rerun after a crash finds the one it
 * created: the name is deterministic). An existing key with that name but other key material is
 * never adopted.
 *
 * `lookFirst: false` (the caller knows this rotation created no key yet) skips the listing: a key
 * that exists all the same is found by the PublicKeyAlreadyExists its name clash answers.
 */
export async function ensurePublicKey(
  client: CloudFrontApi,
  spec: { name: string; encodedKey: string; comment: string; callerReference: string },
  log: Log,
  options: { lookFirst?: boolean } = {},
): Promise<{ publicKeyId: string; created: boolean }> {
  const adopt = (existing: PublicKeySummary) => {
    if (!samePublicKey(existing.encodedKey, spec.encodedKey)) {
      throw new PublicKeyMismatchError(`public key ${existing.id} named ${spec.name} holds other key material`);
    }
    return { publicKeyId: existing.id, created: false };
  };
  const existing = options.lookFirst === false ? undefined : await findPublicKeyByName(client, spec.name);
  if (existing) return adopt(existing);
  try {
    const out = await client.send(
      new CreatePublicKeyCommand({
        PublicKeyConfig: {
          Name: spec.name,
          CallerReference: spec.callerReference,
          EncodedKey: spec.encodedKey,
          Comment: spec.comment.slice(0, 128),
        },
      }),
    );
    const publicKeyId = out.PublicKey?.Id ?? '';
    log.info('public key created', { publicKeyId, name: spec.name });
    return { publicKeyId, created: true };
  } catch (error) {
    if (error instanceof PublicKeyAlreadyExists) {
      const raced = await findPublicKeyByName(client, spec.name);
      if (raced) return adopt(raced);
    }
    if (error instanceof TooManyPublicKeys) {
      throw new QuotaExceededError('the account holds as many CloudFront public keys as its quota allows', { cause: error });
    }
    throw translateTransient(error, 'CreatePublicKey');
  }
}

export type DeleteOutcome = 'deleted' | 'already-gone' | 'not-managed' | 'in-use';

/**
 * Deletes a keyturn-managed public key with If-Match. Idempotent; a key still in some key group
 * (PublicKeyInUse) is left alone and reported, not forced.
 */
export async function deleteManagedPublicKey(client: CloudFrontApi, id: string, log: Log): Promise<DeleteOutcome> {
  return deletePublicKey(client, id, log, { onlyManaged: true });
}

/**
 * Deletes the public key a rotation's secret named before it (keyturn's, or one stored by hand and
 * adopted), with If-Match, as deleteManagedPublicKey does otherwise.
 */
export async function deletePublicKeyNamed(client: CloudFrontApi, id: string, log: Log): Promise<DeleteOutcome> {
  return deletePublicKey(client, id, log, { onlyManaged: false });
}

async function deletePublicKey(client: CloudFrontApi, id: string, log: Log, options: { onlyManaged: boolean }): Promise<DeleteOutcome> {
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const key = await getPublicKey(client, id);
    if (!key) return 'already-gone';
    if (options.onlyManaged && !isManaged(key)) return 'not-managed';
    try {
      await client.send(new DeletePublicKeyCommand({ Id: id, IfMatch: key.etag }));
      log.info('public key deleted', { publicKeyId: id });
      return 'deleted';
    } catch (error) {
      if (error instanceof NoSuchPublicKey) return 'already-gone';
      if (error instanceof PublicKeyInUse) return 'in-use';
      // Its comment changed between our read and delete: read again.
      if (error instanceof PreconditionFailed) continue;
      throw translateTransient(error, 'DeletePublicKey');
    }
  }
  throw new TransientAwsError(`public key ${id} kept changing while we deleted it`);
}
