/**
 * Days to expiry as CloudWatch EMF (Powertools metrics), so an alarm can watch certificates even
 * when Slack is down. Two series:
 *   - ServerCertificateDaysToExpiry, one EMF document per certificate, each with its own
 *     `ServerCertificateName` dimension (plus Powertools' `service`): a graph per certificate.
 *   - ServerCertificateMinDaysToExpiry, one document per run with only the `service` dimension:
 *     the fewest days left of any certificate that is not muted. CloudWatch keeps every dimension
 *     combination as a separate metric and an alarm watches exactly one, so an alarm on the
 *     per-certificate series sees one certificate; the expiry alarm (src/config/deploy-resources.ts)
 *     watches this one.
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';

export const DAYS_TO_EXPIRY_METRIC = 'ServerCertificateDaysToExpiry';
export const MIN_DAYS_TO_EXPIRY_METRIC = 'ServerCertificateMinDaysToExpiry';
/** The `service` dimension of every expiry metric (Powertools' default dimension). */
export const EXPIRY_METRICS_SERVICE = 'check-iam-cert-expiry';
/** The namespace when POWERTOOLS_METRICS_NAMESPACE is unset (serverless/check-iam-cert-expiry.yml sets it). */
export const DEFAULT_EXPIRY_METRICS_NAMESPACE = 'keyturn';

export interface ExpiryMetrics {
  recordDaysToExpiry(serverCertificateName: string, daysLeft: number): void;
  /** The fewest days left of the run's certificates that are not muted; not called when there are none. */
  recordMinimumDaysToExpiry(daysLeft: number): void;
}

/** What a dry run records: nothing. */
export const noExpiryMetrics: ExpiryMetrics = { recordDaysToExpiry: () => undefined, recordMinimumDaysToExpiry: () => undefined };

/** Adapts a Powertools `Metrics` (narrowed to what is used) to ExpiryMetrics. */
export function powertoolsExpiryMetrics(metrics: Pick<Metrics, 'singleMetric'>): ExpiryMetrics {
  return {
    recordDaysToExpiry(serverCertificateName, daysLeft) {
      // A single metric is flushed as soon as its value is added, with only its own dimension.
      const single = metrics.singleMetric();
      single.addDimension('ServerCertificateName', serverCertificateName);
      single.addMetric(DAYS_TO_EXPIRY_METRIC, MetricUnit.Count, daysLeft);
    },
    recordMinimumDaysToExpiry(daysLeft) {
      // Only the default `service` dimension: the series the expiry alarm watches.
      metrics.singleMetric().addMetric(MIN_DAYS_TO_EXPIRY_METRIC, MetricUnit.Count, daysLeft);
    },
  };
}
