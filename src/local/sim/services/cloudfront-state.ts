/** The simulated CloudFront's data: plain JSON in the `cloudfront` slice (persisted with `--state`). */
import { slice, type SimState } from '../state';

export interface PublicKeyConfig {
  CallerReference: string;
  Name: string;
  EncodedKey: string;
  Comment?: string;
}
export interface StoredPublicKey {
  id: string;
  createdTime: string;
  etag: string;
  config: PublicKeyConfig;
}
export interface KeyGroupConfig {
  Name: string;
  Items: string[];
  Comment?: string;
}
export interface StoredKeyGroup {
  id: string;
  lastModifiedTime: string;
  etag: string;
  config: KeyGroupConfig;
}
/** Plain JSON (persisted with `--state`); object key order is creation order, which List pages by. */
export interface CloudFrontState {
  publicKeys: Record<string, StoredPublicKey>;
  keyGroups: Record<string, StoredKeyGroup>;
}

export function cloudfrontState(ctx: { state: SimState }): CloudFrontState {
  return slice<CloudFrontState>(ctx.state, 'cloudfront', () => ({ publicKeys: {}, keyGroups: {} }));
}
