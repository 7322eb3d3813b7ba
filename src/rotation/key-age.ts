/**
 * When a key-based rotation (CloudFront key, Lightsail bucket key) is due: the part of "is a
 * rotation due?" that is the same for every key, once the workflow has found its current key.
 */

/** What every key rotation's first step answers, before its own fields. */
export interface KeyAssessment {
  due: boolean;
  reason: string;
  /** `retire`: a rerun of a rotation that already promoted its key; only retirement is left. */
  phase: 'rotate' | 'retire' | 'none';
  firstRotation: boolean;
}

const DAY_MS = 86_400_000;

/** Due when forced or when the current key (created at `createdAt`) is `maxKeyAgeDays` old. */
export function keyAgeVerdict(createdAt: string, now: Date, config: { force: boolean; maxKeyAgeDays: number }): { due: boolean; reason: string } {
  const ageDays = Math.floor((now.getTime() - Date.parse(createdAt)) / DAY_MS);
  if (config.force) return { due: true, reason: `forced (key is ${ageDays} days old)` };
  if (ageDays >= config.maxKeyAgeDays) return { due: true, reason: `key is ${ageDays} days old (max ${config.maxKeyAgeDays})` };
  return { due: false, reason: `key is ${ageDays} days old; rotation due at ${config.maxKeyAgeDays} days` };
}
