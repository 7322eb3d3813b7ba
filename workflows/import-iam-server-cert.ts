/** import-iam-server-cert: validate a renewed certificate, upload it, read it back, report. */
import { catchAll, catchErrors, choice, fail, isTrue, machine, pass, task } from './asl';
import { EXPIRY_RETRY, INVOCATION_RETRY, noteFailedStep, slackFailedItself } from './expiry-ending';

const UPLOAD = 'Validate and upload certificate';
const READ_BACK = 'Read certificate back from IAM';
const REPORT = 'Report the upload to Slack';
const FAILED = 'Import failed';
const CAN_TELL_SLACK = 'Can Slack be told?';

export const firstState = UPLOAD;

export const definition = machine(
  'import-iam-server-cert: validate a renewed certificate held in a secret (PEM, dates, key pair, chain, name and path rules, name free) and only then upload it; read it back; report to Slack. The private key never leaves the validate-and-upload function.',
  [
    task(UPLOAD, {
      comment: 'Reads the source secret, validates, checks the name is free, uploads. A rerun finds its own earlier upload and reports it.',
      fn: 'importValidateAndUpload',
      parameters: { 'input.$': '$', 'executionName.$': '$$.Execution.Name' },
      resultPath: '$.imported',
      retry: EXPIRY_RETRY,
      catch: [catchErrors(['InvalidInputError'], 'Note that the input was rejected'), catchAll('Note that validation or upload failed', '$.failure')],
    }),
    choice('Is this a dry run?', {
      comment: 'dryRun: the certificate was validated, nothing uploaded; report and end.',
      choices: [
        {
          And: [
            { Variable: '$.imported.dryRun', IsPresent: true },
            { Variable: '$.imported.dryRun', BooleanEquals: true },
          ],
          Next: 'Report the plan',
        },
      ],
      default: READ_BACK,
    }),
    pass('Report the plan', { outputPath: '$.imported', end: true }),
    task(READ_BACK, {
      fn: 'importReadBack',
      parameters: {
        'serverCertificateName.$': '$.imported.serverCertificateName',
        'serverCertificateId.$': '$.imported.serverCertificateId',
        'arn.$': '$.imported.arn',
        'executionName.$': '$$.Execution.Name',
        'target.$': '$.imported.target',
      },
      resultPath: '$.confirmed',
      retry: EXPIRY_RETRY,
      catch: [catchAll('Note that reading back failed', '$.failure')],
    }),
    choice('Is Slack configured?', {
      choices: [{ Variable: '$.slackWebhookSecretId', IsPresent: true, Next: REPORT }],
      default: 'Report imported certificate',
    }),
    task(REPORT, {
      fn: 'importReportUpload',
      parameters: {
        'slackWebhookSecretId.$': '$.slackWebhookSecretId',
        'imported.$': '$.imported',
        'confirmed.$': '$.confirmed',
        'executionName.$': '$$.Execution.Name',
      },
      resultPath: null,
      retry: EXPIRY_RETRY,
      catch: [catchAll('Note that reporting to Slack failed', '$.failure')],
    }),
    pass('Report imported certificate', {
      parameters: {
        'serverCertificateName.$': '$.confirmed.serverCertificateName',
        'serverCertificateId.$': '$.confirmed.serverCertificateId',
        'arn.$': '$.confirmed.arn',
        'path.$': '$.confirmed.path',
        'expiration.$': '$.confirmed.expiration',
        'usableByCloudFront.$': '$.imported.usableByCloudFront',
        'alreadyImported.$': '$.imported.alreadyImported',
      },
      end: true,
    }),
    pass('Note that the input was rejected', {
      comment: 'The input may not even be an object (then no ResultPath could add to it): keep the error, and the request as it came.',
      parameters: { 'failure.$': '$', failedState: UPLOAD, 'request.$': '$$.Execution.Input' },
    }),
    choice('Can Slack be told of the rejected input?', {
      comment: 'Not in a dry run, which writes nothing.',
      choices: [
        { ...isTrue('$.request.dryRun'), Next: FAILED },
        {
          And: [
            { Variable: '$.request.slackWebhookSecretId', IsPresent: true },
            { Variable: '$.request.slackWebhookSecretId', IsString: true },
          ],
          Next: 'Report the rejected input to Slack',
        },
      ],
      default: FAILED,
    }),
    task('Report the rejected input to Slack', {
      fn: 'importReportFailure',
      parameters: {
        state: { 'slackWebhookSecretId.$': '$.request.slackWebhookSecretId', 'failedState.$': '$.failedState', 'failure.$': '$.failure' },
        'executionName.$': '$$.Execution.Name',
      },
      resultPath: null,
      retry: INVOCATION_RETRY,
      catch: [catchAll(FAILED, '$.reportFailure')],
      next: FAILED,
    }),
    noteFailedStep('Note that validation or upload failed', UPLOAD, CAN_TELL_SLACK),
    noteFailedStep('Note that reading back failed', READ_BACK, CAN_TELL_SLACK),
    noteFailedStep('Note that reporting to Slack failed', REPORT, CAN_TELL_SLACK),
    choice(CAN_TELL_SLACK, {
      comment: 'Only with a webhook, and not when Slack itself failed. Not in a dry run, which writes nothing.',
      choices: [
        { ...isTrue('$.dryRun'), Next: FAILED },
        { Variable: '$.slackWebhookSecretId', IsPresent: false, Next: FAILED },
        { ...slackFailedItself(), Next: FAILED },
      ],
      default: 'Report failure to Slack',
    }),
    task('Report failure to Slack', {
      fn: 'importReportFailure',
      parameters: { 'state.$': '$', 'executionName.$': '$$.Execution.Name' },
      resultPath: null,
      retry: INVOCATION_RETRY,
      catch: [catchAll(FAILED, '$.reportFailure')],
      next: FAILED,
    }),
    fail(FAILED, {
      comment: 'Fails with the original error, which names the rule a rejected certificate broke.',
      errorPath: '$.failure.Error',
      causePath: '$.failure.Cause',
    }),
  ],
);
