/**
 * The Slack digest of one expiry check (Block Kit, built with slack-block-builder like the
 * rest of src/notify): a header with counts, expired certificates first and unmissable, then
 * the others most urgent first, then muted certificates in one line.
 *
 * Slack caps a message at 50 blocks, so at most MAX_LISTED certificates get their own block;
 * the rest are counted (the execution output lists every certificate).
 */
import { Blocks, Elements, Md, Message } from 'slack-block-builder';
import { IMPORT_ACTION_ID, SNOOZE_ACTION_ID, type ImportButtonValue, type SnoozeButtonValue } from '../interactivity/actions';
import { SNOOZE_DAYS } from './snoozes';
import { SEVERITIES, type Severity } from './classify-expiry';
import type { ExpiryAlert, ExpiryReport } from './check-certificate-expiry';
import type { AccountLine } from './combine-account-checks';
import { MAX_LISTED } from './expiry-digest-listing';
import { postSlackMessage, readWebhookUrl, type NotifyDeps } from '../notify/slack';
import { slackEscape as escape } from '../notify/slack-text';

export { MAX_LISTED };

export interface DigestContext {
  accountLabel?: string;
  pathPrefix: string;
  thresholdsDays: number[];
  /** Region for the console link (IAM itself is global). */
  consoleRegion: string;
  /** The config target, when the Slack app takes clicks: each listed certificate gets a Snooze button naming it. */
  snoozeTarget?: string;
  /** Certificate name → the import target that renews it (when the Slack app takes clicks): "Import renewed" beside Snooze. */
  imports?: Record<string, string>;
}

export interface SlackDigest {
  /** Notification fallback text. */
  text: string;
  blocks: unknown[];
}

const ICONS: Record<Severity, string> = {
  expired: ':rotating_light:',
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  notice: ':large_yellow_circle:',
  ok: ':white_check_mark:',
};

export function buildExpiryDigest(report: ExpiryReport, context: DigestContext): SlackDigest {
  const { counts, alerts, muted } = report;
  const accountSections = accountLines(report.accounts ?? []);
  // Slack's 50 blocks: the account lines take the place of some listed alerts.
  // A certificate with an import target takes a second block (its buttons): fewer fit.
  const listed: typeof alerts = [];
  let room = MAX_LISTED - accountSections.length;
  for (const alert of alerts) {
    room -= importOf(alert.name, context) ? 2 : 1;
    if (room < 0) break;
    listed.push(alert);
  }
  const unlisted = (report.alertCount ?? alerts.length) - listed.length;
  const label = context.accountLabel ? ` — ${escape(context.accountLabel)}` : '';
  const summary = (['expired', 'critical', 'warning', 'notice'] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');
  const text = `IAM server certificates${label}: ${summary || 'none within thresholds'}`;

  const countLine = [
    counts.expired > 0 ? Md.bold(`${counts.expired} expired`) : `${counts.expired} expired`,
    counts.critical > 0 ? Md.bold(`${counts.critical} critical`) : `${counts.critical} critical`,
    `${counts.warning} warning`,
    `${counts.notice} notice`,
    `${counts.ok} ok`,
    ...(muted.length > 0 ? [`${muted.length} muted`] : []),
  ].join(' · ');

  const blocks = [
    Blocks.Header({ text: truncate(`IAM server certificate expiry${label}`, 150) }),
    Blocks.Section({ text: countLine }),
    ...accountSections.map((text) => Blocks.Section({ text })),
    ...(counts.expired > 0
      ? [
          Blocks.Section({
            text: `${ICONS.expired} ${Md.bold(`${counts.expired} ${plural(counts.expired, 'certificate has', 'certificates have')} EXPIRED`)}: clients using ${counts.expired === 1 ? 'it' : 'them'} fail TLS now. Replace ${counts.expired === 1 ? 'it' : 'them'} first.`,
          }),
        ]
      : []),
    ...(report.crossedCount > 0
      ? [
          Blocks.Section({
            text: `:new: ${report.crossedCount} ${plural(report.crossedCount, 'certificate', 'certificates')} crossed into a new threshold since the last run (marked :new: below).`,
          }),
        ]
      : []),
    Blocks.Divider(),
    ...listed.flatMap((alert) => {
      const section = Blocks.Section({ text: alertText(alert, context.consoleRegion) });
      const importTarget = importOf(alert.name, context);
      if (!context.snoozeTarget) return [section];
      const value: SnoozeButtonValue = { target: context.snoozeTarget, arn: alert.arn, name: alert.name };
      const snooze = Elements.Button({ text: `Snooze ${SNOOZE_DAYS} days`, actionId: SNOOZE_ACTION_ID, value: JSON.stringify(value) });
      if (!importTarget) return [section.accessory(snooze)];
      const renewal: ImportButtonValue = { target: importTarget, name: alert.name };
      return [section, Blocks.Actions().elements(snooze, Elements.Button({ text: 'Import renewed', actionId: IMPORT_ACTION_ID, value: JSON.stringify(renewal) }).primary())];
    }),
    ...(unlisted > 0 ? [Blocks.Context().elements(`…and ${unlisted} more within thresholds: see the execution output.`)] : []),
    ...(muted.length > 0
      ? [
          Blocks.Context().elements(
            `Muted (not alerted): ${muted.map((m) => `${escape(m.name)}${m.account ? ` in ${escape(m.account)}` : ''} (${m.severity === 'expired' ? 'expired' : `${m.daysLeft} ${plural(m.daysLeft, 'day', 'days')} left`}${m.snoozedUntil ? `, snoozed until ${formatUtc(m.snoozedUntil)} by <@${escape(m.snoozedBy ?? '?')}>` : ''})`).join(', ')}`,
          ),
        ]
      : []),
    Blocks.Context().elements(
      `keyturn check-iam-cert-expiry · path prefix ${Md.codeInline(escape(context.pathPrefix))} · thresholds ${[...context.thresholdsDays].sort((a, b) => b - a).join('/')} days`,
    ),
  ];

  const message = Message({ text }).blocks(...blocks).buildToObject() as { text: string; blocks: unknown[] };
  return { text: message.text, blocks: message.blocks };
}

/**
 * One line per account, in sections of at most 3,000 characters (Slack's limit for a section's
 * text): its label and id, then its counts, or that it could not be checked and why.
 */
function accountLines(accounts: AccountLine[]): string[] {
  const lines = accounts.map((a) => {
    const name = `${Md.bold(escape(a.label))}${a.accountId ? ` (${a.accountId})` : ''}`;
    if (a.error || !a.counts) return `:warning: ${name}: could not be checked (${escape(a.error ?? 'unknown error')}): its certificates are not in this digest`;
    const c = a.counts;
    const worst = SEVERITIES.find((s) => c[s] > 0) ?? 'ok';
    return `${ICONS[worst]} ${name}: ${c.expired} expired · ${c.critical} critical · ${c.warning} warning · ${c.notice} notice · ${c.ok} ok`;
  });
  const sections: string[] = [];
  for (const line of lines) {
    const last = sections.length - 1;
    if (last >= 0 && sections[last]!.length + 1 + line.length <= 3000) sections[last] += `\n${line}`;
    else sections.push(line);
  }
  return sections;
}

function alertText(alert: ExpiryAlert, consoleRegion: string): string {
  const when =
    alert.severity === 'expired'
      ? Md.bold('EXPIRED')
      : alert.daysLeft === 0
        ? Md.bold('less than a day left')
        : `${alert.daysLeft} ${plural(alert.daysLeft, 'day', 'days')} left`;
  const crossed = alert.crossedThreshold
    ? ` :new: ${alert.threshold === 'expired' ? 'newly expired' : `now within ${alert.threshold} ${plural(alert.threshold, 'day', 'days')}`}`
    : '';
  return [
    `${ICONS[alert.severity]} ${Md.bold(escape(alert.name))}${alert.account ? ` in ${escape(alert.account)}` : ''} — ${when} (${alert.severity})${crossed}`,
    `${alert.severity === 'expired' ? 'Expired' : 'Expires'} ${formatUtc(alert.expiration)} · path ${Md.codeInline(escape(alert.path))}`,
    Md.codeInline(escape(alert.arn)),
    `${consoleLink(consoleRegion)}: ${Md.codeInline(`aws iam get-server-certificate --server-certificate-name ${escape(alert.name)}`)}`,
  ].join('\n');
}

/**
 * The IAM console does not show server certificates (they are API-only), so the link opens
 * CloudShell, and the line carries the command that shows the certificate.
 */
function consoleLink(region: string): string {
  const r = encodeURIComponent(region);
  return `<https://${r}.console.aws.amazon.com/cloudshell/home?region=${r}|Open CloudShell>`;
}

function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Step "Send expiry digest to Slack": the report as Block Kit, posted to the configured webhook. */
export async function sendExpiryDigest(deps: NotifyDeps, slackWebhookSecretId: string, report: ExpiryReport, context: DigestContext): Promise<{ sent: true }> {
  const digest = buildExpiryDigest(report, context);
  const url = await readWebhookUrl(deps.secrets, slackWebhookSecretId, deps.webhookUrlPrefixes);
  const { attempts } = await postSlackMessage(url, digest, deps);
  deps.log.info('expiry digest sent', { alerts: report.alertCount ?? report.alerts.length, attempts });
  return { sent: true };
}

/** The import target that renews `name`, when the digest carries buttons. */
function importOf(name: string, context: DigestContext): string | undefined {
  return context.snoozeTarget && context.imports && Object.hasOwn(context.imports, name) ? context.imports[name] : undefined;
}
