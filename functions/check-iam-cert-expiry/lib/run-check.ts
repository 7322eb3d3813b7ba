/** One account's check, as both check steps run it: load the last run's memory, list, classify, emit. */
import { checkCertificateExpiry, type ExpiryCheckResult } from '../../../src/iam/check-certificate-expiry';
import { powertoolsExpiryMetrics } from '../../../src/iam/expiry-metrics';
import { loadRememberedThresholds } from '../../../src/iam/threshold-memory';
import type { ExpiryCheckInput } from '../../../src/iam/workflow-inputs';
import type { CheckCollaborators } from './wiring';

export async function runExpiryCheck(deps: CheckCollaborators, config: ExpiryCheckInput): Promise<ExpiryCheckResult> {
  const remembered = await loadRememberedThresholds(deps.secrets, deps.memorySecretId, deps.log);
  return checkCertificateExpiry(
    {
      iam: deps.iam,
      remembered,
      // A dry run emits no metric either: it writes nothing.
      metrics: config.dryRun ? { recordDaysToExpiry: () => undefined } : powertoolsExpiryMetrics(deps.metrics),
      now: deps.now,
      log: deps.log,
    },
    config,
  );
}
