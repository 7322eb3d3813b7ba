/**
 * The states of the rotation that leave a result in the state, in execution order, with the
 * field each result lands in: the failed state is the first after the last result present
 * (failedStateOf, src/notify/caught-failure.ts). A module of its own, not part of
 * rotation-report.ts, so the undo step, which needs only this, does not bundle the Slack
 * message builder (slack-block-builder, ~62 KB).
 */
import type { StepResults } from '../notify/caught-failure';

export const STEP_RESULTS: StepResults = [
  ['Check whether the key is due', 'assessment'],
  ['Make room for the new key', 'room'],
  ['Create the new key and store its secret', 'newKey'],
  ['Test the new key against the bucket', 'test'],
  ['Make the new key current', 'promotion'],
  ['Delete the old key unless it is still used', 'retirement'],
];
