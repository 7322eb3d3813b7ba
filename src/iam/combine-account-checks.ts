/**
 * check-iam-cert-expiry over several accounts: the Map state checks each account; this merges
 * their results into one check (one digest), keeping a line per account. An account that could
 * not be checked (its role refused, IAM failing) does not hide the others: it gets a line saying
 * so, and makes the digest due, since nobody knows what expires there.
 */
import { SEVERITIES, type Severity } from './classify-expiry';
import type { CertificateExpiry, ExpiryAlert, ExpiryCheckResult, ExpiryReport, MutedCertificate } from './check-certificate-expiry';
import { MAX_LISTED } from './expiry-digest-listing';

export interface CheckedAccount {
  label: string;
  accountId?: string;
}

/** One iteration of the Map: the account's check, or the error that stopped it (as Step Functions catches it). */
export type AccountCheck =
  | ({ account: CheckedAccount; memoryFound?: boolean } & ExpiryCheckResult)
  | { account: CheckedAccount; failure: { Error?: string; Cause?: string } };

/** The digest's line for one account. */
export interface AccountLine extends CheckedAccount {
  counts?: Record<Severity, number>;
  /** Set when the account could not be checked: the error's name only (a Cause may be long). */
  error?: string;
}

export function combineAccountChecks(
  checks: AccountCheck[],
): ExpiryCheckResult & { report: ExpiryReport & { accounts: AccountLine[] }; memoryFound: boolean } {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const certificates: CertificateExpiry[] = [];
  const alerts: ExpiryAlert[] = [];
  const muted: MutedCertificate[] = [];
  const accounts: AccountLine[] = [];
  let alertCount = 0;
  let crossedCount = 0;
  let digestDue = false;
  // Every account's check read the same memory (keyed by certificate ARN, so accounts share it).
  let memoryFound = false;
  for (const check of checks) {
    const { label } = check.account;
    if ('failure' in check) {
      accounts.push({ ...check.account, error: check.failure.Error ?? 'unknown error' });
      digestDue = true;
      continue;
    }
    const { report } = check;
    accounts.push({ ...check.account, counts: report.counts });
    for (const s of SEVERITIES) counts[s] += report.counts[s];
    certificates.push(...check.certificates.map((c) => ({ ...c, account: label })));
    alerts.push(...report.alerts.map((a) => ({ ...a, account: label })));
    muted.push(...report.muted.map((m) => ({ ...m, account: label })));
    alertCount += report.alertCount ?? report.alerts.length;
    crossedCount += report.crossedCount;
    digestDue ||= check.digestDue;
    memoryFound ||= check.memoryFound === true;
  }
  alerts.sort((a, b) => a.daysLeft - b.daysLeft || a.name.localeCompare(b.name) || (a.account ?? '').localeCompare(b.account ?? ''));
  return {
    certificates,
    report: { counts, alerts: alerts.slice(0, MAX_LISTED), alertCount, muted, crossedCount, accounts },
    digestDue,
    memoryFound,
  };
}
