/**
 * Key group membership, edited the only safe way (invariant 5): read the group and its ETag,
 * apply our delta to what is there now, write with If-Match; when someone else wrote in between
 * (PreconditionFailed), wait a jittered moment and do it again from a fresh read. Only our delta
 * is ever applied, so a key another writer added or removed meanwhile stays as they left it.
 */
import {
  GetKeyGroupCommand,
  NoSuchResource,
  PreconditionFailed,
  TooManyPublicKeysInKeyGroup,
  UpdateKeyGroupCommand,
  type CloudFrontClient,
} from '@aws-sdk/client-cloudfront';
import { QuotaExceededError, UnsafeStateError } from '../errors';
import type { Log } from '../logger';
import { KeyGroupNotFoundError, KeyGroupUpdateConflictError, translateTransient } from './errors';

export type CloudFrontApi = Pick<CloudFrontClient, 'send'>;

/** CloudFront's default quota; raisable, so callers may pass their own. */
export const MAX_KEYS_PER_KEY_GROUP = 5;

export interface KeyGroup {
  id: string;
  name: string;
  comment?: string;
  publicKeyIds: string[];
  etag: string;
}

export interface Backoff {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** [0, 1), for full jitter. */
  random: () => number;
}

export const defaultBackoff: Backoff = {
  maxAttempts: 6,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export async function readKeyGroup(client: CloudFrontApi, keyGroupId: string): Promise<KeyGroup> {
  try {
    const out = await client.send(new GetKeyGroupCommand({ Id: keyGroupId }));
    const config = out.KeyGroup?.KeyGroupConfig;
    return {
      id: keyGroupId,
      name: config?.Name ?? '',
      comment: config?.Comment,
      publicKeyIds: config?.Items ?? [],
      etag: out.ETag ?? '',
    };
  } catch (error) {
    if (error instanceof NoSuchResource) throw new KeyGroupNotFoundError(keyGroupId, { cause: error });
    throw translateTransient(error, 'GetKeyGroup');
  }
}

export interface KeyGroupDelta {
  add?: string;
  remove?: string;
}

/**
 * Applies `delta` to the key group. Idempotent: when the group already reflects it, nothing is
 * written. Refuses to leave a group empty (CloudFront requires one key) or to exceed `maxKeys`.
 *
 * `known`: the group as an earlier step of the run read it (ids and ETag travel in the state).
 * The first attempt writes from it with If-Match; if anyone wrote since, CloudFront answers
 * PreconditionFailed and the next attempt starts from a fresh read, as after any lost race.
 */
export async function applyKeyGroupDelta(
  client: CloudFrontApi,
  keyGroupId: string,
  delta: KeyGroupDelta,
  deps: { log: Log; backoff?: Backoff; maxKeys?: number; known?: KeyGroup },
): Promise<{ changed: boolean; attempts: number; publicKeyIds: string[] }> {
  const backoff = deps.backoff ?? defaultBackoff;
  const maxKeys = deps.maxKeys ?? MAX_KEYS_PER_KEY_GROUP;
  for (let attempt = 1; ; attempt += 1) {
    const group = attempt === 1 && deps.known?.id === keyGroupId ? deps.known : await readKeyGroup(client, keyGroupId);
    let items = group.publicKeyIds.filter((id) => id !== delta.remove);
    if (delta.add && !items.includes(delta.add)) items = [...items, delta.add];
    const unchanged = items.length === group.publicKeyIds.length && items.every((id) => group.publicKeyIds.includes(id));
    if (unchanged) return { changed: false, attempts: attempt, publicKeyIds: group.publicKeyIds };
    if (items.length === 0) {
      throw new UnsafeStateError(`removing ${delta.remove} would leave key group ${keyGroupId} without a key`);
    }
    if (items.length > maxKeys) {
      throw new QuotaExceededError(`key group ${keyGroupId} already holds ${group.publicKeyIds.length} of ${maxKeys} keys`);
    }
    try {
      await client.send(
        new UpdateKeyGroupCommand({
          Id: keyGroupId,
          IfMatch: group.etag,
          KeyGroupConfig: { Name: group.name, Items: items, ...(group.comment !== undefined ? { Comment: group.comment } : {}) },
        }),
      );
      deps.log.info('key group updated', { keyGroupId, added: delta.add, removed: delta.remove, attempt });
      return { changed: true, attempts: attempt, publicKeyIds: items };
    } catch (error) {
      if (error instanceof PreconditionFailed) {
        if (attempt >= backoff.maxAttempts) throw new KeyGroupUpdateConflictError(keyGroupId, attempt, { cause: error });
        deps.log.warn('key group changed concurrently, retrying', { keyGroupId, attempt });
        const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (attempt - 1));
        await backoff.sleep(Math.floor(backoff.random() * ceiling));
        continue;
      }
      if (error instanceof NoSuchResource) throw new KeyGroupNotFoundError(keyGroupId, { cause: error });
      if (error instanceof TooManyPublicKeysInKeyGroup) {
        throw new QuotaExceededError(`key group ${keyGroupId} is full`, { cause: error });
      }
      throw translateTransient(error, 'UpdateKeyGroup');
    }
  }
}
