/**
 * Slack messages of the two IAM server-certificate workflows other than the digest: an import
 * report, and a failure report, and the steps that send them. Names, ARNs, dates and error names only.
 */
import { Blocks, Md, Message } from 'slack-block-builder';
import { describeFailure, type CaughtFailure } from '../notify/caught-failure';
import { notifySlack, type NotifyDeps, type SlackMessage } from '../notify/slack';
import { slackEscape as esc } from '../notify/slack-text';

export interface ImportReport {
  serverCertificateName: string;
  arn: string;
  expiration: string;
  path: string;
  usableByCloudFront: boolean;
  alreadyImported: boolean;
  executionName: string;
}

export function importReportMessage(r: ImportReport): SlackMessage {
  const text = `IAM server certificate ${esc(r.serverCertificateName)} imported, expires ${esc(r.expiration.slice(0, 10))}`;
  const cloudFront = r.usableByCloudFront
    ? 'Usable by CloudFront (path under /cloudfront/).'
    : 'Not usable by CloudFront: its path does not begin with /cloudfront/.';
  const message = Message({ text })
    .blocks(
      Blocks.Header({ text: `Imported ${esc(r.serverCertificateName)}`.slice(0, 150) }),
      Blocks.Section({ text: r.alreadyImported ? 'It was already in IAM (a rerun): nothing was uploaded twice.' : 'Validated, uploaded and read back from IAM.' }).fields(
        `${Md.bold('Name')}\n${esc(r.serverCertificateName)}`,
        `${Md.bold('Expires')}\n${esc(r.expiration.slice(0, 16).replace('T', ' '))} UTC`,
        `${Md.bold('ARN')}\n${Md.codeInline(esc(r.arn))}`,
        `${Md.bold('Path')}\n${Md.codeInline(esc(r.path))}`,
      ),
      Blocks.Context().elements(`${cloudFront} · execution ${esc(r.executionName)}`),
    )
    .buildToObject() as { text: string; blocks: unknown[] };
  return { text: message.text, blocks: message.blocks };
}

export interface WorkflowFailure {
  workflow: string;
  /** What was being done, in the runbook's words. */
  failedState: string;
  error: { name: string; message: string };
  /** What stays in place, e.g. an uploaded certificate. */
  kept: string[];
  executionName: string;
}

export function workflowFailedMessage(f: WorkflowFailure): SlackMessage {
  const text = `${esc(f.workflow)} failed at "${esc(f.failedState)}" (${esc(f.error.name)})`;
  const message = Message({ text })
    .blocks(
      Blocks.Header({ text: `${esc(f.workflow)} failed`.slice(0, 150) }),
      Blocks.Section({
        text: `${Md.bold('Failed state')}: ${esc(f.failedState)}\n${Md.bold('Error')}: ${Md.codeInline(esc(f.error.name))} ${esc(f.error.message)}`.slice(0, 2900),
      }),
      ...(f.kept.length ? [Blocks.Section({ text: `${Md.bold('Kept')}\n${f.kept.map((k) => `• ${esc(k)}`).join('\n')}`.slice(0, 2900) })] : []),
      Blocks.Context().elements(`execution ${esc(f.executionName)}`),
    )
    .buildToObject() as { text: string; blocks: unknown[] };
  return { text: message.text, blocks: message.blocks };
}

/** Step "Report the upload to Slack": the certificate imported (name, ARN, expiry). */
export async function reportServerCertificateUpload(deps: NotifyDeps, slackWebhookSecretId: string, report: ImportReport): Promise<{ reported: true }> {
  await notifySlack(deps, slackWebhookSecretId, importReportMessage(report));
  return { reported: true };
}

/** Step "Report failure to Slack" of either workflow: the state that failed, the caught error, and what stays. */
export async function reportWorkflowFailure(
  deps: NotifyDeps,
  slackWebhookSecretId: string,
  report: Omit<WorkflowFailure, 'error'> & { failure: CaughtFailure },
): Promise<{ reported: true }> {
  const { failure, ...rest } = report;
  await notifySlack(deps, slackWebhookSecretId, workflowFailedMessage({ ...rest, error: describeFailure(failure) }));
  return { reported: true };
}
