/**
 * Fault injection, driven through `POST /_sim/faults`:
 * - an error (code + HTTP status) for the next N calls of an operation;
 * - throttling for the next N calls (each service renders its own throttling error);
 * - added latency;
 * - a racing writer that edits a key group just before the next UpdateKeyGroup lands, so the
 *   caller's If-Match ETag is stale (CloudFront applies it; see cloudfront.ts).
 */
export interface FaultRule {
  id: number;
  /** Service name as in `/_sim/calls`; omitted matches any service. */
  service?: string;
  operation: string;
  /** Calls left to affect; -1 means every call until cleared. */
  remaining: number;
  error?: { code: string; status: number; message?: string };
  throttle?: boolean;
  latencyMs?: number;
  /** How many matching calls to let through before this rule starts (default 0). */
  skip?: number;
}

export interface RacingWriter {
  id: number;
  keyGroupId: string;
  addPublicKeyId?: string;
  removePublicKeyId?: string;
  remaining: number;
  /**
   * Set each time it fires: whether its edit was made (false: the rules forbade it and nothing
   * changed). Not an AWS call, so the call log cannot tell; a test checking the edit survived reads this.
   */
  applied?: boolean;
}

export type FaultSpec = Omit<FaultRule, 'id' | 'remaining'> & { count?: number };
export type RacingWriterSpec = Omit<RacingWriter, 'id' | 'remaining' | 'applied'> & { count?: number };

export class Faults {
  rules: FaultRule[] = [];
  racers: RacingWriter[] = [];
  private nextId = 1;

  add(spec: FaultSpec): FaultRule {
    const { count, ...rest } = spec;
    const rule: FaultRule = { ...rest, id: this.nextId++, remaining: count ?? 1 };
    this.rules.push(rule);
    return rule;
  }

  addRacingWriter(spec: RacingWriterSpec): RacingWriter {
    const { count, ...rest } = spec;
    const racer: RacingWriter = { ...rest, id: this.nextId++, remaining: count ?? 1 };
    this.racers.push(racer);
    return racer;
  }

  /** The rules that apply to this call, consumed (latency rules and at most one error rule). */
  take(service: string, operation: string): { latencyMs: number; error?: FaultRule } {
    let latencyMs = 0;
    let error: FaultRule | undefined;
    for (const rule of this.rules) {
      if (rule.operation !== operation && rule.operation !== '*') continue;
      if (rule.service && rule.service !== service) continue;
      if (rule.remaining === 0) continue;
      const failing = Boolean(rule.error || rule.throttle);
      if (failing && error) continue;
      if (rule.skip && rule.skip > 0) {
        rule.skip -= 1;
        continue;
      }
      if (rule.remaining > 0) rule.remaining -= 1;
      if (rule.latencyMs) latencyMs += rule.latencyMs;
      if (failing) error = rule;
    }
    this.rules = this.rules.filter((r) => r.remaining !== 0);
    return { latencyMs, error };
  }

  /** The racing writers due for this key group, consumed. */
  takeRacingWriters(keyGroupId: string): RacingWriter[] {
    const due = this.racers.filter((r) => r.keyGroupId === keyGroupId && r.remaining !== 0);
    for (const racer of due) if (racer.remaining > 0) racer.remaining -= 1;
    this.racers = this.racers.filter((r) => r.remaining !== 0);
    return due;
  }

  clear(): void {
    this.rules = [];
    this.racers = [];
  }

  list() {
    return { rules: this.rules, racingWriters: this.racers };
  }
}
