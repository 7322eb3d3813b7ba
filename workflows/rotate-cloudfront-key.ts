/** rotate-cloudfront-key: the runbook of a CloudFront signing key's rotation (docs/design.md, "The rotation protocol"). */
import { type Retrier, wait } from './asl';
import { rotationWorkflow, step } from './rotation-ending';

/** Another writer changed the key group between our read and our UpdateKeyGroup (If-Match): read again and re-apply. */
const KEY_GROUP_CONFLICT_RETRY: Retrier = {
  ErrorEquals: ['KeyGroupUpdateConflictError'],
  IntervalSeconds: 2,
  MaxAttempts: 3,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};

const known = { 'known.$': '$.assessment.known' };
const executionName = { 'executionName.$': '$$.Execution.Name' };

export const { definition, firstState, stepResults } = rotationWorkflow({
  comment:
    'Rotate a CloudFront signing key: create and store the new key, add it to the key group beside the old one, test it, switch signers, wait out the old URLs, retire the old key. Every failure is undone and reported.',
  check: {
    name: 'Check whether the key is due',
    fn: 'cloudfrontCheckRotationDue',
    comment: 'Validates the input and reads the key group and the secret: is a rotation due, is another one under way?',
  },
  lock: 'secret',
  noRotation: {
    when: { Variable: '$.assessment.phase', StringEquals: 'none' },
    report: { 'reason.$': '$.assessment.reason', 'keyGroupId.$': '$.config.keyGroupId' },
  },
  resume: {
    when: { Variable: '$.assessment.phase', StringEquals: 'retire' },
    promotion: { 'publicKeyId.$': '$.assessment.current.publicKeyId', 'currentVersionId.$': '$.assessment.current.versionId' },
    at: 'Wait for signed URLs to expire',
  },
  steps: [
    step('Ensure the key group has room', {
      comment: 'At most 5 keys a key group: fail before creating anything.',
      fn: 'cloudfrontEnsureRoom',
      parameters: { 'config.$': '$.config', ...known, ...executionName },
      resultPath: '$.room',
    }),
    step('Store a new key pair as pending', {
      comment:
        'The private key goes to AWSPENDING before the public key exists; the version id, createdAt and the public half (public material) come back, never the private key.',
      fn: 'cloudfrontStorePendingKey',
      parameters: { 'config.$': '$.config', ...known, ...executionName },
      resultPath: '$.pending',
    }),
    step('Create public key', {
      comment: "From the public half step 3 returned; named from the key group and the stored key's creation time, so a rerun finds it.",
      fn: 'cloudfrontCreatePublicKey',
      parameters: { 'config.$': '$.config', ...known, 'stored.$': '$.pending', ...executionName },
      resultPath: '$.newKey',
    }),
    step('Record public key in pending secret', {
      comment: 'A second pending version that carries the publicKeyId.',
      fn: 'cloudfrontRecordPublicKey',
      parameters: { 'config.$': '$.config', 'publicKeyId.$': '$.newKey.publicKeyId', ...executionName },
      resultPath: '$.recorded',
    }),
    step('Add new key to key group', {
      comment: 'Read, add, UpdateKeyGroup with If-Match; on PreconditionFailed re-read and re-apply only our change.',
      fn: 'cloudfrontAddKeyToGroup',
      parameters: { 'config.$': '$.config', 'publicKeyId.$': '$.newKey.publicKeyId', ...known, ...executionName },
      resultPath: '$.added',
      alsoRetry: [KEY_GROUP_CONFLICT_RETRY],
    }),
    step('Test a URL signed with the new key', {
      comment:
        'Signs a URL with the pending private key (read from Secrets Manager) and checks it: by fetching the test URL when one is configured, else against the key CloudFront holds for it.',
      fn: 'cloudfrontTestNewKey',
      parameters: { 'config.$': '$.config', 'publicKeyId.$': '$.newKey.publicKeyId', 'pendingVersionId.$': '$.recorded.pendingVersionId', ...executionName },
      resultPath: '$.test',
    }),
    step('Promote the new key', {
      comment: 'AWSCURRENT moves to the new version; signers switch; the old version becomes AWSPREVIOUS.',
      fn: 'cloudfrontPromoteNewKey',
      parameters: { 'config.$': '$.config', 'pendingVersionId.$': '$.recorded.pendingVersionId', 'publicKeyId.$': '$.newKey.publicKeyId', ...executionName },
      resultPath: '$.promotion',
    }),
    wait('Wait for signed URLs to expire', {
      comment: 'graceSeconds: the longest lifetime of a URL signed with the old key.',
      secondsPath: '$.config.graceSeconds',
    }),
    step('Remove old key from key group', {
      comment: 'Only a key keyturn created and that is not current; same ETag discipline as adding.',
      fn: 'cloudfrontRemoveOldKey',
      parameters: { 'config.$': '$.config', 'oldKey.$': '$.assessment.oldKey', ...executionName },
      resultPath: '$.retirement',
      alsoRetry: [KEY_GROUP_CONFLICT_RETRY],
    }),
    step('Delete old public key', {
      comment: 'DeletePublicKey with If-Match, once no key group holds it.',
      fn: 'cloudfrontDeleteOldKey',
      parameters: { 'config.$': '$.config', 'oldKey.$': '$.assessment.oldKey', ...executionName },
      resultPath: '$.deletion',
    }),
  ],
  retire: 'Remove old key from key group',
  askApproval: { fn: 'cloudfrontAskApproval' },
  notifyRotated: {
    fn: 'cloudfrontNotifyRotated',
    parameters: {
      ...executionName,
      'config.$': '$.config',
      'promotion.$': '$.promotion',
      'retirement.$': '$.retirement',
      'deletion.$': '$.deletion',
      'notified.$': '$.assessment.known.notified',
    },
  },
  report: {
    'rotationId.$': '$.config.rotationId',
    'keyGroupId.$': '$.config.keyGroupId',
    'secretId.$': '$.config.secretId',
    'newPublicKeyId.$': '$.promotion.publicKeyId',
    'currentVersionId.$': '$.promotion.currentVersionId',
    'oldPublicKeyId.$': '$.retirement.oldPublicKeyId',
    'oldKeyRemoved.$': '$.retirement.removed',
    'oldKeyRetiredAt.$': '$.retirement.retiredAt',
    'oldKeyDeletion.$': '$.deletion.outcome',
  },
  undo: {
    fn: 'cloudfrontUndoRotation',
    comment: 'Compensation: a key created but not promoted leaves the group and is deleted; the pending version is dropped.',
    alsoRetry: [KEY_GROUP_CONFLICT_RETRY],
  },
  notifyFailed: { fn: 'cloudfrontNotifyFailed' },
});
