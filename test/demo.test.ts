import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/local/demo';
import { demoRuns, scenarios } from '../src/local/demo/scenarios';
import { listWorkflows } from '../src/local/runner';

describe('npm start (the embedded demo)', () => {
  it('has a scenario for every workflow that exists', async () => {
    const workflows = listWorkflows(process.cwd());
    expect(scenarios.map((s) => s.workflow).sort()).toEqual([...workflows].sort());
  });

  it('runs every scenario to success on a fresh simulator and reports what Slack got', async () => {
    const lines: string[] = [];
    const scenarios = demoRuns;
    const previousEndpoint = process.env.AWS_ENDPOINT_URL;
    try {
      const code = await runDemo(scenarios, (line) => lines.push(line));
      expect(code, lines.join('\n')).toBe(0);
    } finally {
      if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = previousEndpoint;
    }
    expect(lines.filter((l) => l.startsWith('  SUCCEEDED'))).toHaveLength(scenarios.length);
    const gated = scenarios.filter((s) => s.approveAs).length;
    expect(gated).toBeGreaterThan(0);
    expect(lines.filter((l) => l === '  Slack messages: 1')).toHaveLength(scenarios.length - gated);
    // The approval scenario: the request, the same message replaced after the click, the rotation.
    expect(lines.filter((l) => l === '  Slack messages: 3')).toHaveLength(gated);
    expect(lines.filter((l) => /^ {2}Slack: on-call \(U0DEMOONCALL\) pressed Approve on message \d+ → the endpoint answered 200$/.test(l))).toHaveLength(gated);
    expect(lines.filter((l) => l.includes('approval needed to retire the old credential'))).toHaveLength(2 * gated);
    expect(lines.at(-1)).toBe(`all ${scenarios.length} scenario(s) succeeded`);
  });
});
