/** rotate-apigw-client-cert: the runbook of an API Gateway client certificate's rotation (docs/design.md, "The rotation protocol"). */
import { type Retrier, wait } from './asl';
import { rotationWorkflow, step } from './rotation-ending';

/** API Gateway's control plane throttles hard (a few calls a second per account): every step that calls it backs off longer. */
const API_GATEWAY_THROTTLED_RETRY: Retrier = {
  ErrorEquals: ['ApiGatewayThrottledError', 'TooManyRequestsException'],
  IntervalSeconds: 2,
  MaxAttempts: 4,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
};
const alsoRetry = [API_GATEWAY_THROTTLED_RETRY];

const executionName = { 'executionName.$': '$$.Execution.Name' };

export const { definition, firstState, stepResults } = rotationWorkflow({
  comment:
    "Rotate an API Gateway client certificate in AWS's order: generate, trust it beside the old one, wait for the backend, switch the stages, wait, stop trusting the old one, delete it once no stage uses it. Every failure is undone (or, once stages switched, reported) and told to Slack.",
  check: {
    name: 'Find the certificate the stages use',
    fn: 'apigwFindCertificate',
    comment:
      'Validates the input (nothing is written before this passes), reads the stages, their certificate and the trust store: is a rotation due, is another one under way?',
    alsoRetry,
  },
  lock: 'trust store',
  noRotation: {
    when: { Variable: '$.assessment.due', BooleanEquals: false },
    report: { 'reason.$': '$.assessment.reason', 'expiresInDays.$': '$.assessment.expiresInDays', 'restApiId.$': '$.config.restApiId' },
  },
  steps: [
    step('Generate new client certificate', {
      comment:
        "Takes the trust store's lock (its AWSPENDING claim), checks the 60-certificate quota, then GenerateClientCertificate tagged with the rotation, so a rerun adopts it.",
      fn: 'apigwGenerateCertificate',
      parameters: {
        'config.$': '$.config',
        'stageNames.$': '$.assessment.stageNames',
        'oldCertificateIds.$': '$.assessment.oldCertificateIds',
        ...executionName,
        'known.$': '$.assessment.known',
      },
      resultPath: '$.newCertificate',
      alsoRetry,
    }),
    step('Add new certificate to trust store', {
      comment: "The backend's bundle (AWSCURRENT of the trust store secret) gets the new PEM beside the old one.",
      fn: 'apigwAddToTrustStore',
      parameters: {
        'config.$': '$.config',
        'clientCertificateId.$': '$.newCertificate.clientCertificateId',
        ...executionName,
        'oldCertificateIds.$': '$.assessment.oldCertificateIds',
      },
      resultPath: '$.trustStore',
      alsoRetry,
    }),
    wait('Wait for the backend to reload its trust store', {
      comment: 'graceSeconds: until the backend trusts the new certificate.',
      secondsPath: '$.config.graceSeconds',
    }),
    step('Switch stages to the new certificate', {
      comment: 'UpdateStage replace /clientCertificateId on each stage, verified by what UpdateStage answers (the stage as it is now).',
      fn: 'apigwSwitchStages',
      parameters: {
        'config.$': '$.config',
        'stageNames.$': '$.assessment.stageNames',
        'clientCertificateId.$': '$.newCertificate.clientCertificateId',
        ...executionName,
      },
      resultPath: '$.switch',
      alsoRetry,
    }),
    wait('Wait before the backend stops trusting the old certificate', {
      comment: 'graceSeconds: requests sent with the old certificate finish.',
      secondsPath: '$.config.graceSeconds',
    }),
    step('Remove old certificate from trust store', {
      comment: 'Keeps an old PEM a stage of any API still presents; releases the lock.',
      fn: 'apigwRemoveFromTrustStore',
      parameters: {
        'config.$': '$.config',
        'oldCertificateIds.$': '$.assessment.oldCertificateIds',
        'newCertificateId.$': '$.newCertificate.clientCertificateId',
        ...executionName,
      },
      resultPath: '$.retirement',
      alsoRetry,
    }),
    step('Delete old certificate', {
      comment:
        'Only when no stage of any API in the account presents it (as the previous step found with GetRestApis + GetStages, no wait since); otherwise kept and reported.',
      fn: 'apigwDeleteOldCertificate',
      parameters: {
        'config.$': '$.config',
        'oldCertificateIds.$': '$.assessment.oldCertificateIds',
        ...executionName,
        'keptInUse.$': '$.retirement.keptInTrustStore',
      },
      resultPath: '$.deletion',
      alsoRetry,
    }),
  ],
  retire: 'Remove old certificate from trust store',
  askApproval: { fn: 'apigwAskApproval' },
  notifyRotated: {
    fn: 'apigwNotifyRotated',
    parameters: {
      ...executionName,
      'config.$': '$.config',
      'stageNames.$': '$.assessment.stageNames',
      'newCertificate.$': '$.newCertificate',
      'oldCertificateIds.$': '$.assessment.oldCertificateIds',
      'deletion.$': '$.deletion',
      'notified.$': '$.assessment.known.notified',
    },
  },
  report: {
    'rotationId.$': '$.config.rotationId',
    'restApiId.$': '$.config.restApiId',
    'stageNames.$': '$.assessment.stageNames',
    'newClientCertificateId.$': '$.newCertificate.clientCertificateId',
    'newExpirationDate.$': '$.newCertificate.expirationDate',
    'oldClientCertificateIds.$': '$.assessment.oldCertificateIds',
    'removedFromTrustStore.$': '$.retirement.removed',
    'keptInTrustStore.$': '$.retirement.keptInTrustStore',
    'deletedCertificates.$': '$.deletion.deleted',
    'keptCertificates.$': '$.deletion.kept',
  },
  undo: {
    fn: 'apigwUndoRotation',
    comment:
      'Compensation: before any stage presents the new certificate it leaves the trust store and is deleted; after, the stages stay on it (the backend trusts it) and the rest is reported. The lock is released.',
    alsoPass: { 'stageNames.$': '$.assessment.stageNames' },
    alsoRetry,
  },
  notifyFailed: { fn: 'apigwNotifyFailed' },
});
