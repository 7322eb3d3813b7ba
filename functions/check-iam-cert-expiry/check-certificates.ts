/** Task "Check certificate expiry": list, classify, emit metrics, compare with the last run. */
import { iamClient, secretsManagerClient } from '../../src/aws/clients';
import { checkCertificateExpiry } from '../../src/iam/check-certificate-expiry';
import { noExpiryMetrics, powertoolsExpiryMetrics } from '../../src/iam/expiry-metrics';
import { loadRememberedThresholds } from '../../src/iam/threshold-memory';
import { expiryCheckInputSchema } from '../../src/iam/workflow-inputs';
import { expiryMetrics, stepHandler } from './lib/wiring';

export const handler = stepHandler(expiryCheckInputSchema, async (config, deps) => {
  const remembered = await loadRememberedThresholds(deps.secrets, deps.memorySecretId, deps.log);
  const result = await checkCertificateExpiry(
    { iam: deps.iam, remembered, // A dry run emits no metric either: it writes nothing.
      metrics: config.dryRun ? noExpiryMetrics : powertoolsExpiryMetrics(deps.metrics),
      now: deps.now, log: deps.log },
    config,
  );
  return { config, ...result };
}, { iam: iamClient, secrets: secretsManagerClient, metrics: expiryMetrics });
