import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/local/demo';
import { scenarios } from '../src/local/demo/scenarios';
import { listWorkflows } from '../src/local/runner';

describe('npm start (the embedded demo)', () => {
  it('has a scenario for every workflow that exists', async () => {
    const workflows = listWorkflows(process.cwd());
    expect(scenarios.map((s) => s.workflow).sort()).toEqual([...workflows].sort());
  });

  it('runs every scenario to success on a fresh simulator and reports what Slack got', async () => {
    const lines: string[] = [];
    const previousEndpoint = process.env.AWS_ENDPOINT_URL;
    try {
      const code = await runDemo(scenarios, (line) => lines.push(line));
      expect(code, lines.join('\n')).toBe(0);
    } finally {
      if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = previousEndpoint;
    }
    expect(lines.filter((l) => l.startsWith('  SUCCEEDED'))).toHaveLength(scenarios.length);
    expect(lines.filter((l) => l === '  Slack messages: 1')).toHaveLength(scenarios.length);
    expect(lines.at(-1)).toBe(`all ${scenarios.length} scenario(s) succeeded`);
  });
});
