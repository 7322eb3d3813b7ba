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
  ['Make sure the key group has room', 'room'],
  ['Generate key pair and store it as pending', 'pending'],
  ['Create public key', 'newKey'],
  ['Record public key in pending secret', 'recorded'],
  ['Add new key to key group', 'added'],
  ['Test a URL signed with the new key', 'test'],
  ['Make the new key current', 'promotion'],
  ['Remove old key from key group', 'retirement'],
  ['Delete old public key', 'deletion'],
];
