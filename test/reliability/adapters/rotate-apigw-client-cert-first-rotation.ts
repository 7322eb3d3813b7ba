/**
 * rotate-apigw-client-cert, first rotation with no trust store yet: two stages present a hand-made
 * client certificate and the backend's trust store secret does not exist. The run creates it
 * trusting that certificate (its first version, which Secrets Manager makes AWSCURRENT), then
 * rotates as usual: the claim it stores as AWSPENDING never becomes the bundle the backend reads.
 */
import type { TargetAdapter } from '../support/adapter';
import { adapter as routine, seedApi, TRUST_STORE } from './rotate-apigw-client-cert';

export const adapter: TargetAdapter = {
  ...routine,
  scenario: 'first rotation, no trust store yet',
  seed: (h) => seedApi(h, { trustStore: false }),
  // Before the trust store exists the backend does not read it (it trusts by other means): the
  // check starts once keyturn created it, and from then on every stage must be trusted.
  async currentWorks(h, target) {
    if (!h.secretVersions(TRUST_STORE).some((v) => v.stages.includes('AWSCURRENT'))) return [];
    return routine.currentWorks!(h, target);
  },
  creatingSteps: [{ state: 'Generate new client certificate', afterOperation: 'CreateSecret' }, ...routine.creatingSteps],
  humanEdits: [],
  badInputs: () => [],
};
