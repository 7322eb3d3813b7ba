/** rotate-lightsail-bucket-key: the runbook of a Lightsail bucket access key's rotation (docs/design.md, "The rotation protocol"). */
import { type Retrier, wait } from './asl';
import { rotationWorkflow, step } from './rotation-ending';

/** A new access key can take a few seconds before S3 accepts it: the test tries again, for up to about a minute. */
const KEY_NOT_YET_VALID_RETRY: Retrier = {
  ErrorEquals: ['AccessKeyNotYetValidError'],
  IntervalSeconds: 5,
  MaxAttempts: 4,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
};

const known = { 'known.$': '$.assessment.known' };
const executionName = { 'executionName.$': '$$.Execution.Name' };

export const { definition, firstState, stepResults } = rotationWorkflow({
  comment:
    'Rotate a Lightsail bucket access key: make room (2 keys a bucket, never the current one), create the key and store its once-only secret in the same invocation, test it, switch consumers, wait, delete the old key unless something still uses it. Every failure is undone and reported.',
  check: {
    name: 'Check whether the key is due',
    fn: 'lightsailCheckRotationDue',
    comment: "Validates the input; reads the bucket's keys and the secret: is a rotation due, is another one under way?",
  },
  lock: 'secret',
  noRotation: {
    when: { Variable: '$.assessment.phase', StringEquals: 'none' },
    report: { 'reason.$': '$.assessment.reason', 'bucketName.$': '$.config.bucketName' },
  },
  resume: {
    when: { Variable: '$.assessment.phase', StringEquals: 'retire' },
    promotion: { 'accessKeyId.$': '$.assessment.current.accessKeyId', 'currentVersionId.$': '$.assessment.current.versionId' },
    at: 'Wait for consumers to switch to the new key',
  },
  steps: [
    step('Make room for the new key', {
      comment: 'At most 2 keys a bucket: the key that is not current goes only if nothing used it since it was retired; never the current key.',
      fn: 'lightsailMakeRoom',
      parameters: { 'config.$': '$.config', ...executionName, ...known },
      resultPath: '$.room',
    }),
    step('Create the new key and store its secret', {
      comment: 'CreateBucketAccessKey and PutSecretValue (AWSPENDING) in one invocation; if storing fails the new key is deleted. Only ids come back.',
      fn: 'lightsailCreateAndStoreKey',
      parameters: { 'config.$': '$.config', ...executionName, ...known, 'keyCount.$': '$.room.keyCount' },
      resultPath: '$.newKey',
    }),
    step('Test the new key against the bucket', {
      comment: 'A signed S3 request with the new key, read from Secrets Manager by the function itself.',
      fn: 'lightsailTestNewKey',
      parameters: { 'config.$': '$.config', 'pendingVersionId.$': '$.newKey.pendingVersionId', ...executionName },
      resultPath: '$.test',
      alsoRetry: [KEY_NOT_YET_VALID_RETRY],
    }),
    step('Promote the new key', {
      comment: 'Records the time, then moves AWSCURRENT to the new version; the old version becomes AWSPREVIOUS.',
      fn: 'lightsailPromoteNewKey',
      parameters: { 'config.$': '$.config', 'pendingVersionId.$': '$.newKey.pendingVersionId', ...executionName, 'accessKeyId.$': '$.newKey.accessKeyId' },
      resultPath: '$.promotion',
    }),
    wait('Wait for consumers to switch to the new key', {
      comment: 'graceSeconds: time for every consumer to pick up the new AWSCURRENT value.',
      secondsPath: '$.config.graceSeconds',
    }),
    step('Retire the old key unless it is still used', {
      comment: 'Deleted only if its lastUsed is not later than the promotion; otherwise kept, and Slack is told where it was last used.',
      fn: 'lightsailRetireOldKey',
      parameters: { 'config.$': '$.config', 'oldAccessKeyId.$': '$.assessment.oldAccessKeyId', ...executionName, 'promoted.$': '$.promotion' },
      resultPath: '$.retirement',
    }),
  ],
  retire: 'Retire the old key unless it is still used',
  askApproval: { fn: 'lightsailAskApproval' },
  notifyRotated: {
    fn: 'lightsailNotifyRotated',
    parameters: {
      ...executionName,
      'config.$': '$.config',
      'promotion.$': '$.promotion',
      'retirement.$': '$.retirement',
      'notified.$': '$.assessment.known.notified',
    },
  },
  notToldExtra: { alert: false },
  report: {
    'rotationId.$': '$.config.rotationId',
    'bucketName.$': '$.config.bucketName',
    'secretId.$': '$.config.secretId',
    'newAccessKeyId.$': '$.promotion.accessKeyId',
    'currentVersionId.$': '$.promotion.currentVersionId',
    'oldAccessKeyId.$': '$.retirement.oldAccessKeyId',
    'oldKeyOutcome.$': '$.retirement.outcome',
    'oldKeyLastUse.$': '$.retirement.lastUse',
  },
  undo: {
    fn: 'lightsailUndoRotation',
    comment: 'Compensation: a new key not yet current is deleted; the pending version is dropped. A promoted key stays.',
  },
  notifyFailed: { fn: 'lightsailNotifyFailed' },
});
