/**
 * The expiry check: list every server certificate under a prefix, classify each against the
 * thresholds, emit one days-to-expiry metric per certificate (and the fewest days left of those
 * not muted, for the expiry alarm), and compare with what the last
 * run saw. Decides whether a digest is due; rendering and sending are the next steps.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { Log } from '../logger';
import { classifyExpiry, urgencyRank, type ExpiryClass, type Severity } from './classify-expiry';
import { listServerCertificates } from './list-server-certificates';
import type { RememberedThresholds } from './threshold-memory';
import type { ExpiryMetrics } from './expiry-metrics';
import { MAX_LISTED } from './expiry-digest-listing';
import type { AccountLine } from './combine-account-checks';
import type { Snoozes } from './snoozes';

export interface ExpiryCheckSettings {
  pathPrefix: string;
  thresholdsDays: number[];
  mutedCertificateNames: string[];
  /** Snoozes from Slack in force now, by certificate ARN (src/iam/snoozes.ts): muted until their date. */
  snoozes?: Snoozes;
}

/** One certificate as the workflow reports it (the execution output of check-iam-cert-expiry). */
export interface CertificateExpiry {
  name: string;
  arn: string;
  expiration: string;
  daysLeft: number;
  severity: Severity;
  /** The label of the account it is in, when the check covers several accounts. */
  account?: string;
}

/** A certificate the digest lists: within a threshold, not muted. */
export interface ExpiryAlert extends CertificateExpiry {
  path: string;
  threshold: Exclude<ExpiryClass['threshold'], null>;
  /** Within a threshold it was not within at the last run (or new since then). */
  crossedThreshold: boolean;
}

export interface MutedCertificate {
  name: string;
  daysLeft: number;
  severity: Severity;
  /** The account's label, when the check covers several accounts. */
  account?: string;
  /** Muted by a snooze from Slack: until when, and who snoozed it (a Slack user id). */
  snoozedUntil?: string;
  snoozedBy?: string;
}

export interface ExpiryReport {
  /** Non-muted certificates per severity. */
  counts: Record<Severity, number>;
  /**
   * Most urgent first, cut to the ones the digest lists (MAX_LISTED): the report travels in the
   * workflow's state beside `certificates`, and Step Functions caps state at 256 KiB — a full
   * list of 1,000 alerts alone is ~210 KB.
   */
  alerts: ExpiryAlert[];
  /** Every certificate within a threshold and not muted, listed or not (default: alerts.length). */
  alertCount?: number;
  muted: MutedCertificate[];
  crossedCount: number;
  /** One line per account, when the check covers several (src/iam/combine-account-checks.ts). */
  accounts?: AccountLine[];
}

export interface ExpiryCheckResult {
  certificates: CertificateExpiry[];
  report: ExpiryReport;
  /** True when the digest must be sent. */
  digestDue: boolean;
}

export interface ExpiryCheckDeps {
  iam: Pick<IAMClient, 'send'>;
  /** What the last recorded run saw, or null before the first one. */
  remembered: RememberedThresholds | null;
  metrics: ExpiryMetrics;
  now: () => Date;
  log: Log;
}

export async function checkCertificateExpiry(deps: ExpiryCheckDeps, settings: ExpiryCheckSettings): Promise<ExpiryCheckResult> {
  const listed = await listServerCertificates(deps.iam, settings.pathPrefix, deps.log);
  const now = deps.now();
  const muted = new Set(settings.mutedCertificateNames);

  const classified = listed
    .map((certificate) => ({ certificate, expiry: classifyExpiry(new Date(certificate.expiration), now, settings.thresholdsDays) }))
    .sort((a, b) => a.expiry.daysLeft - b.expiry.daysLeft || a.certificate.name.localeCompare(b.certificate.name));

  const counts: Record<Severity, number> = { expired: 0, critical: 0, warning: 0, notice: 0, ok: 0 };
  const certificates: CertificateExpiry[] = [];
  const alerts: ExpiryAlert[] = [];
  const mutedCertificates: MutedCertificate[] = [];
  for (const { certificate, expiry } of classified) {
    const entry: CertificateExpiry = {
      name: certificate.name,
      arn: certificate.arn,
      expiration: certificate.expiration,
      daysLeft: expiry.daysLeft,
      severity: expiry.severity,
    };
    certificates.push(entry);
    // Muted certificates still get their metric: an alarm on it is the owner's business.
    deps.metrics.recordDaysToExpiry(certificate.name, expiry.daysLeft);
    const snooze = settings.snoozes?.[certificate.arn];
    if (muted.has(certificate.name) || snooze) {
      mutedCertificates.push({ name: entry.name, daysLeft: entry.daysLeft, severity: entry.severity, ...(snooze && !muted.has(certificate.name) ? { snoozedUntil: snooze.until, snoozedBy: snooze.by } : {}) });
      continue;
    }
    counts[expiry.severity] += 1;
    if (expiry.threshold === null) continue;
    alerts.push({
      ...entry,
      path: certificate.path,
      threshold: expiry.threshold,
      crossedThreshold: crossed(deps.remembered, certificate.arn, certificate.expiration, expiry.threshold),
    });
  }

  // The expiry alarm's series: muted certificates are left out, or an expired lab certificate
  // someone chose to ignore would hold the alarm on for good. No certificate, no data point.
  const watched = certificates.filter((c) => !muted.has(c.name) && !settings.snoozes?.[c.arn]);
  if (watched.length) deps.metrics.recordMinimumDaysToExpiry(Math.min(...watched.map((c) => c.daysLeft)));

  const crossedCount = alerts.filter((a) => a.crossedThreshold).length;
  // A digest is due when anything is within the largest threshold, or when something crossed
  // into a new threshold since the last run. With these bands a crossing is always within the
  // largest threshold, so the second clause never adds a message on its own; it makes the
  // digest say so (see the digest builder) rather than repeat yesterday's news silently.
  const digestDue = alerts.length > 0 || crossedCount > 0;
  deps.log.info('certificate expiry checked', {
    pathPrefix: settings.pathPrefix,
    certificates: certificates.length,
    alerts: alerts.length,
    muted: mutedCertificates.length,
    crossed: crossedCount,
    digestDue,
  });
  return {
    certificates,
    report: { counts, alerts: alerts.slice(0, MAX_LISTED), alertCount: alerts.length, muted: mutedCertificates, crossedCount },
    digestDue,
  };
}

function crossed(
  remembered: RememberedThresholds | null,
  arn: string,
  expiration: string,
  threshold: ExpiryAlert['threshold'],
): boolean {
  // Before the first recorded run there is nothing to have crossed from.
  if (remembered === null) return false;
  const last = remembered[arn];
  if (!last || last.expiration !== expiration) return true;
  return urgencyRank(threshold) < urgencyRank(last.threshold);
}
