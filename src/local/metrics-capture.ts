/**
 * Local runs (keyturn up, npm run demo) keep the functions' CloudWatch metrics out of what they
 * print: the EMF lines Lambda would hand to CloudWatch are taken from stdout and summed up.
 */

/** Per metric name: how many values, their least and greatest, and the last. */
export type MetricsSummary = Record<string, { count: number; min: number; max: number; last: number }>;

/** Takes EMF lines out of stdout until stopped; everything else is written as it was. */
export function captureMetrics(): { summary(): MetricsSummary; stop(): void } {
  const seen: MetricsSummary = {};
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const text = String(chunk);
    if (!text.startsWith('{') || !text.includes('"_aws"')) return write(chunk, ...rest);
    for (const line of text.split('\n').filter(Boolean)) {
      try {
        const emf = JSON.parse(line) as { _aws?: { CloudWatchMetrics?: { Metrics?: { Name: string }[] }[] } } & Record<string, unknown>;
        for (const { Name } of emf._aws?.CloudWatchMetrics?.flatMap((m) => m.Metrics ?? []) ?? []) {
          const value = Number(emf[Name]);
          if (!Number.isFinite(value)) continue;
          const m = (seen[Name] ??= { count: 0, min: value, max: value, last: value });
          m.count += 1;
          m.min = Math.min(m.min, value);
          m.max = Math.max(m.max, value);
          m.last = value;
        }
      } catch {
        write(`${line}\n`);
      }
    }
    return true;
  }) as typeof process.stdout.write;
  return { summary: () => seen, stop: () => void (process.stdout.write = write) };
}
