/**
 * Days to expiry per certificate as CloudWatch EMF (Powertools metrics), so an alarm can watch
 * a certificate even when Slack is down. One EMF document per certificate: each carries its own
 * `ServerCertificateName` dimension.
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';

export const DAYS_TO_EXPIRY_METRIC = 'ServerCertificateDaysToExpiry';

export interface ExpiryMetrics {
  recordDaysToExpiry(serverCertificateName: string, daysLeft: number): void;
}

/** Adapts a Powertools `Metrics` (narrowed to what is used) to ExpiryMetrics. */
export function powertoolsExpiryMetrics(metrics: Pick<Metrics, 'singleMetric'>): ExpiryMetrics {
  return {
    recordDaysToExpiry(serverCertificateName, daysLeft) {
      // A single metric is flushed as soon as its value is added, with only its own dimension.
      const single = metrics.singleMetric();
      single.addDimension('ServerCertificateName', serverCertificateName);
      single.addMetric(DAYS_TO_EXPIRY_METRIC, MetricUnit.Count, daysLeft);
    },
  };
}
