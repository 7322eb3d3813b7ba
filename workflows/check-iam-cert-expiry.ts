/** check-iam-cert-expiry: classify IAM server certificates by expiry, send the digest when a threshold is crossed, remember what was seen. */
import { catchAll, catchErrors, choice, fail, isTrue, machine, map, pass, task } from './asl';
import { EXPIRY_RETRY, INVOCATION_RETRY, noteFailedStep, slackFailedItself } from './expiry-ending';

const CHECK = 'Check certificate expiry';
const SEND = 'Send expiry digest to Slack';
const REMEMBER = 'Remember thresholds seen';
const DRY_RUN = 'Is this a dry run?';
const FAILED = 'Expiry check failed';
const CHECKING_FAILED = 'Note that checking failed';
const CAN_TELL_SLACK = 'Can Slack be told?';

export const firstState = CHECK;

export const definition = machine(
  'check-iam-cert-expiry: list every IAM server certificate, classify days left against the thresholds, emit a metric per certificate, and send one Slack digest when something is within a threshold.',
  [
    task(CHECK, {
      comment:
        'Validate the input; for one account, list all pages of ListServerCertificates, classify, emit metrics, compare with the last run (with accounts, the Map below does that per account). Throttling is retried by the SDK first, then here.',
      fn: 'expiryCheckCertificates',
      parameters: { 'input.$': '$', 'executionName.$': '$$.Execution.Name' },
      resultPath: '$.check',
      retry: EXPIRY_RETRY,
      catch: [catchErrors(['InvalidInputError'], 'Note that the input was rejected'), catchAll(CHECKING_FAILED, '$.failure')],
    }),
    choice('Does the check cover several accounts?', {
      comment: 'With accounts, the first step only validated: check each account, then combine into one digest.',
      choices: [{ Variable: '$.check.perAccount', IsPresent: true, Next: 'Check each account' }],
      default: DRY_RUN,
    }),
    map('Check each account', {
      comment:
        'One iteration per account, acting there through its role. An account that fails becomes a line in the digest instead of stopping the others. The results replace $.check (the state carries every certificate once: Step Functions caps it at 256 KiB).',
      itemsPath: '$.check.config.accounts',
      itemSelector: { 'config.$': '$.check.config', 'account.$': '$$.Map.Item.Value', 'executionName.$': '$$.Execution.Name' },
      maxConcurrency: 5,
      iterator: [
        task("Check one account's certificates", {
          fn: 'expiryCheckAccountCertificates',
          retry: EXPIRY_RETRY,
          catch: [catchAll('Note that the account could not be checked', '$.failure')],
          end: true,
        }),
        pass('Note that the account could not be checked', { parameters: { 'account.$': '$.account', 'failure.$': '$.failure' }, end: true }),
      ],
      resultPath: '$.check',
      catch: [catchAll(CHECKING_FAILED, '$.failure')],
    }),
    task("Combine the accounts' checks", {
      comment:
        "One check from many: counts summed, alerts merged most urgent first, a line per account. The config is the execution's input, validated again (the first step's copy was replaced by the Map's results).",
      fn: 'expiryCombineAccountChecks',
      parameters: { 'config.$': '$$.Execution.Input', 'checks.$': '$.check', 'executionName.$': '$$.Execution.Name' },
      resultPath: '$.check',
      retry: INVOCATION_RETRY,
      catch: [catchAll(CHECKING_FAILED, '$.failure')],
    }),
    choice(DRY_RUN, {
      comment: 'dryRun: report the classification and end: no digest, nothing remembered.',
      choices: [{ Variable: '$.check.config.dryRun', BooleanEquals: true, Next: 'Report the plan' }],
      default: 'Is a digest due?',
    }),
    pass('Report the plan', { parameters: { dryRun: true, 'certificates.$': '$.check.certificates', 'wouldAlert.$': '$.check.digestDue' }, end: true }),
    choice('Is a digest due?', {
      choices: [{ Variable: '$.check.digestDue', BooleanEquals: true, Next: SEND }],
      default: REMEMBER,
    }),
    task(SEND, {
      comment: 'Slack 429/5xx/timeouts are retried inside the function (bounded); not again here, so a Slack outage fails the run quickly and clearly.',
      fn: 'expirySendDigest',
      parameters: { 'config.$': '$.check.config', 'report.$': '$.check.report', 'executionName.$': '$$.Execution.Name' },
      resultPath: null,
      retry: EXPIRY_RETRY,
      catch: [catchAll('Note that sending the digest failed', '$.failure')],
    }),
    task(REMEMBER, {
      comment: 'Only after the digest went out: a failed send leaves the crossing to be reported by the next run.',
      fn: 'expiryRememberThresholds',
      parameters: {
        'config.$': '$.check.config',
        'certificates.$': '$.check.certificates',
        'executionName.$': '$$.Execution.Name',
        'memoryFound.$': '$.check.memoryFound',
      },
      resultPath: null,
      retry: EXPIRY_RETRY,
      catch: [catchAll('Note that remembering failed', '$.failure')],
    }),
    pass('Report certificates', { parameters: { 'certificates.$': '$.check.certificates', 'alerted.$': '$.check.digestDue' }, end: true }),
    pass('Note that the input was rejected', {
      comment:
        'Bad input is not reported to Slack (the webhook secret may be what is wrong); the input may not even be an object, so the error replaces it.',
      parameters: { 'failure.$': '$', failedState: CHECK },
      next: FAILED,
    }),
    noteFailedStep(CHECKING_FAILED, CHECK, CAN_TELL_SLACK),
    noteFailedStep('Note that sending the digest failed', SEND, CAN_TELL_SLACK),
    noteFailedStep('Note that remembering failed', REMEMBER, CAN_TELL_SLACK),
    choice(CAN_TELL_SLACK, {
      comment: 'Not when Slack itself failed, nor when the input was refused (no webhook to trust). Nor in a dry run, which writes nothing.',
      choices: [
        { ...isTrue('$.dryRun'), Next: FAILED },
        { ...slackFailedItself(['InvalidInputError']), Next: FAILED },
      ],
      default: 'Report failure to Slack',
    }),
    task('Report failure to Slack', {
      fn: 'expiryReportFailure',
      parameters: {
        'slackWebhookSecretId.$': '$.slackWebhookSecretId',
        'failedState.$': '$.failedState',
        'failure.$': '$.failure',
        'executionName.$': '$$.Execution.Name',
      },
      resultPath: null,
      retry: INVOCATION_RETRY,
      catch: [catchAll(FAILED, '$.reportFailure')],
      next: FAILED,
    }),
    fail(FAILED, { comment: 'Fails with the original error.', errorPath: '$.failure.Error', causePath: '$.failure.Cause' }),
  ],
);
