/** Task "Check certificate expiry": list, classify, emit metrics, compare with the last run. */
import { iamClient, secretsManagerClient } from '../../src/aws/clients';
import { checkCertificateExpiry } from '../../src/iam/check-certificate-expiry';
import { powertoolsExpiryMetrics } from '../../src/iam/expiry-metrics';
import { readThresholdMemory } from '../../src/iam/threshold-memory';
import { expiryCheckInputSchema } from '../../src/iam/workflow-inputs';
import { expiryMetrics, stepHandler } from './lib/wiring';

export const handler = stepHandler(expiryCheckInputSchema, async (config, deps) => {
  const memory = await readThresholdMemory(deps.secrets, deps.memorySecretId, deps.log);
  const result = await checkCertificateExpiry(
    { iam: deps.iam, remembered: memory.remembered, // A dry run emits no metric either: it writes nothing.
      metrics: config.dryRun ? { recordDaysToExpiry: () => undefined } : powertoolsExpiryMetrics(deps.metrics),
      now: deps.now, log: deps.log },
    config,
  );
  // memoryFound: the recording step creates a missing memory without reading it again.
  return { config, ...result, memoryFound: memory.found };
}, { iam: iamClient, secrets: secretsManagerClient, metrics: expiryMetrics });
