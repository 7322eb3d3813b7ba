/**
 * `npm start`: the embedded demo. Starts the AWS simulator in this process, points the SDK at
 * it with dummy credentials (nothing here can reach a real account), runs every scenario in
 * src/local/demo/scenarios.ts with waits skipped, and tells what changed and what Slack got.
 */
import { pathToFileURL } from 'node:url';
import { formatProgress } from '../cli/run';
import { approveCloudfrontRotationScenario } from './demo/approve-cloudfront-rotation';
import { demoRuns, type DemoScenario } from './demo/scenarios';
import { runWorkflow, type RunResult } from './runner';
import { startSimulator } from './sim/server';
import type { CallRecord, SlackMessage } from './sim/state';
import { isolateFromRealAws } from './offline-env';
import { announceNodeSupport } from './node-support';
import { startApprover } from './demo/approver';
import { captureMetrics } from './metrics-capture';


const READ_OPERATION = /^(Get|List|Describe|Head)/;

export async function runDemo(scenarios: readonly DemoScenario[] = demoRuns, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  isolateFromRealAws('WARN');
  announceNodeSupport();
  const sim = await startSimulator({ port: 0 });
  process.env.AWS_ENDPOINT_URL = sim.url;
  const metrics = captureMetrics();
  out(`keyturn demo: AWS simulator on ${sim.url} (dummy credentials; no AWS account is used)`);
  let failures = 0;
  try {
    if (scenarios.length === 0) {
      out('no demo scenarios are registered yet (src/local/demo/scenarios.ts): nothing to run.');
      return 0;
    }
    for (const [i, scenario] of scenarios.entries()) {
      out('');
      out(`[${i + 1}/${scenarios.length}] ${scenario.workflow}: ${scenario.describe}`);
      const callsBefore = await lastSeq<CallRecord>(sim.url, 'calls');
      const slackBefore = await lastSeq<SlackMessage>(sim.url, 'slack');
      const input = await scenario.seed(sim.url);
      const seededCalls = await lastSeq<CallRecord>(sim.url, 'calls');
      out(`  input: ${JSON.stringify(input)}`);
      const approver = scenario.approveAs ? await startApprover(sim.url, scenario.approveAs, out) : undefined;
      let result: RunResult;
      try {
        result = await runWorkflow(scenario.workflow, input, { skipWaits: true, onProgress: (p) => out(`  ${formatProgress(p)}`) });
      } finally {
        await approver?.stop();
      }
      out(`  ${outcome(result)}`);
      if (result.status !== 'SUCCEEDED') failures += 1;

      const calls = (await admin<{ calls: CallRecord[] }>(sim.url, 'calls')).calls.filter((c) => c.seq > Math.max(callsBefore, seededCalls));
      const writes = calls.filter((c) => !READ_OPERATION.test(c.operation));
      out(`  AWS calls by the workflow: ${calls.length} (${writes.length} writes)`);
      for (const [line, count] of tally(writes.map((c) => `${c.service} ${c.operation} → ${c.status}${c.errorCode ? ` ${c.errorCode}` : ''}${c.caller ? `  (${c.caller})` : ''}`))) {
        out(`    ${count > 1 ? `${count}× ` : ''}${line}`);
      }
      const slack = (await admin<{ messages: SlackMessage[] }>(sim.url, 'slack')).messages.filter((m) => m.seq > slackBefore);
      out(`  Slack messages: ${slack.length}`);
      for (const message of slack) out(`    ${slackText(message.body)}`);
    }
    out('');
    const summary = Object.entries(metrics.summary());
    if (summary.length) out(`Metrics (EMF, summed): ${summary.map(([name, m]) => `${name} ${m.count}× (min ${m.min}, max ${m.max})`).join('; ')}`);
    out(failures === 0 ? `all ${scenarios.length} scenario(s) succeeded` : `${failures} of ${scenarios.length} scenario(s) did not succeed`);
    return failures === 0 ? 0 : 1;
  } finally {
    metrics.stop();
    await sim.close();
  }
}


async function admin<T>(simUrl: string, area: string): Promise<T> {
  const res = await fetch(`${simUrl}/_sim/${area}`);
  if (!res.ok) throw new Error(`simulator admin GET /_sim/${area}: ${res.status}`);
  return (await res.json()) as T;
}

async function lastSeq<T extends { seq: number }>(simUrl: string, area: 'calls' | 'slack'): Promise<number> {
  const body = await admin<{ calls?: T[]; messages?: T[] }>(simUrl, area);
  return Math.max(0, ...(body.calls ?? body.messages ?? []).map((r) => r.seq));
}

function outcome(result: RunResult): string {
  if (result.status === 'SUCCEEDED') return `SUCCEEDED → ${JSON.stringify(result.output)}`;
  const error = result.error;
  return `${result.status}${error ? `: ${error.name}${error.state ? ` in '${error.state}'` : ''}` : ''}`;
}

function tally(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

function slackText(body: unknown): string {
  if (body && typeof body === 'object' && typeof (body as { text?: unknown }).text === 'string') return (body as { text: string }).text.replace(/\n/g, ' / ');
  return JSON.stringify(body);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `npm start` opens with the approval gate's run alone (keyturn up's year follows); `npm run demo` runs every scenario.
  const only = process.argv[2];
  if (only !== undefined && only !== 'approval') throw new Error(`usage: tsx src/local/demo.ts [approval], not '${only}'`);
  process.exitCode = await runDemo(only === 'approval' ? [approveCloudfrontRotationScenario] : demoRuns);
}
