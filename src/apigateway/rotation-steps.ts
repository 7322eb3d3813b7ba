/**
 * The states of the rotation that leave a result in the state, in execution order, with the
 * field each result lands in: the failed state is the first after the last result present
 * (failedStateOf, src/notify/caught-failure.ts). A module of its own, not part of
 * rotation-report.ts, so the undo step, which needs only this, does not bundle the Slack
 * message builder (slack-block-builder, ~62 KB).
 */
import type { StepResults } from '../notify/caught-failure';

export const STEP_RESULTS: StepResults = [
  ['Find the certificate the stages use', 'assessment'],
  ['Generate new client certificate', 'newCertificate'],
  ['Add new certificate to trust store', 'trustStore'],
  ['Switch stages to the new certificate', 'switch'],
  ['Remove old certificate from trust store', 'retirement'],
  ['Delete old certificate', 'deletion'],
];
