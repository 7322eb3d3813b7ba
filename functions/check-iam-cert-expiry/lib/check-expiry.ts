/**
 * One account's check, as both check steps run it: read the last run's memory (and, when the Slack
 * app takes clicks, the snoozes in force), list, classify, emit.
 */
import { checkCertificateExpiry, type ExpiryCheckResult } from '../../../src/iam/check-certificate-expiry';
import { noExpiryMetrics, powertoolsExpiryMetrics } from '../../../src/iam/expiry-metrics';
import { inForce, readSnoozes } from '../../../src/iam/snoozes';
import { readThresholdMemory } from '../../../src/iam/threshold-memory';
import { slackButtons } from '../../../src/config/function-environment';
import type { ExpiryCheckInput } from '../../../src/iam/workflow-inputs';
import type { CheckCollaborators } from './wiring';

export async function checkExpiry(deps: CheckCollaborators, config: ExpiryCheckInput): Promise<ExpiryCheckResult & { memoryFound: boolean }> {
  const memory = await readThresholdMemory(deps.secrets, deps.memorySecretId, deps.log);
  // Only Slack's buttons make snoozes: without them there is nothing to read.
  const snoozes = slackButtons() ? inForce(await readSnoozes(deps.secrets), deps.now()) : undefined;
  const result = await checkCertificateExpiry(
    {
      iam: deps.iam,
      remembered: memory.remembered,
      // A dry run emits no metric either: it writes nothing.
      metrics: config.dryRun ? noExpiryMetrics : powertoolsExpiryMetrics(deps.metrics),
      now: deps.now,
      log: deps.log,
    },
    { ...config, ...(snoozes ? { snoozes } : {}) },
  );
  // memoryFound: the recording step creates a missing memory without reading it again.
  return { ...result, memoryFound: memory.found };
}
