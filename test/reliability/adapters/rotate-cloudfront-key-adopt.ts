/**
 * rotate-cloudfront-key, adopting a hand-made key: the key group signs with a key made by hand,
 * and its signers' secret (stored by hand before keyturn took it over) holds that key and its
 * Key-Pair-Id. The first rotation adopts the key the secret names and retires it after the grace
 * period like keyturn's own; crashed at every state, raced, stormed.
 */
import type { TargetAdapter } from '../support/adapter';
import { adapter as routine, seedKeyGroup } from './rotate-cloudfront-key';

export const adapter: TargetAdapter = {
  ...routine,
  scenario: 'first rotation, adopting the hand-made key the secret names',
  seed: (h) => seedKeyGroup(h, { storedByHand: true }),
  humanEdits: [],
  badInputs: () => [],
};
