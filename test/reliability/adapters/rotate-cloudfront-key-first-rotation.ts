/**
 * rotate-cloudfront-key, first rotation: a key group signing with a hand-made key and no keyturn
 * secret yet. The run creates the secret (its first version the no-credential marker, which
 * Secrets Manager makes AWSCURRENT), stores the new key as AWSPENDING beside it, and promotes it
 * once tested: two first rotations racing both create the secret with the same token and value.
 */
import type { TargetAdapter } from '../support/adapter';
import { adapter as routine, seedKeyGroup } from './rotate-cloudfront-key';

export const adapter: TargetAdapter = {
  ...routine,
  scenario: 'first rotation, no secret yet',
  seed: (h) => seedKeyGroup(h),
  creatingSteps: [{ state: 'Store a new key pair as pending', afterOperation: 'CreateSecret' }, ...routine.creatingSteps],
  // The routine adapter's edits and bad inputs do not depend on whether the secret exists: tried there.
  humanEdits: [],
  badInputs: () => [],
};
