/** docs/benchmarks.md from the figures of one `npm run bench` run. */
import type { FunctionFigures } from './bench-bundles';
import { ABOVE_MINIMUM, MINIMUM_CALLS, minimumTotal } from './bench-minimums';
import type { RaceResult, RoutineRuns, WorkflowRun } from './bench-workflows';

/** us-east-1 list prices (aws.amazon.com/step-functions/pricing, aws.amazon.com/lambda/pricing). */
export const PRICES = {
  checked: '2026-11-24',
  stepFunctionsPerTransition: 0.025 / 1000,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1_000_000,
};

export interface ReportInput {
  started: Date;
  runs: number;
  node: string;
  bundles: FunctionFigures[];
  sourceMaps?: { key: string; withMs: number; withoutMs: number };
  routine: RoutineRuns;
  expiry: WorkflowRun | string;
  race: RaceResult | string;
}

const BUDGET_KB = 300;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (value?: number) => (value === undefined ? '—' : value.toFixed(1));
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '—');
const usd = (value: number) => `$${value.toFixed(7)}`;

function table(header: string[], rows: (string | number)[][]): string {
  // Numbers right, text left.
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+$]?[\d.,]+( ⚠)?$|^—$/.test(String(r[i]))));
  return [`| ${header.join(' | ')} |`, `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function costOf(run: WorkflowRun, initMs: Map<string, number>): { lambdaGbS: number; total: number } {
  let gbS = 0;
  for (const task of run.tasks) gbS += (task.memoryMb / 1024) * ((Math.ceil(task.ms) + (initMs.get(task.functionKey) ?? 0)) / 1000);
  const total = run.transitions * PRICES.stepFunctionsPerTransition + run.tasks.length * PRICES.lambdaPerRequest + gbS * PRICES.lambdaArmPerGbSecond;
  return { lambdaGbS: gbS, total };
}

function tally(calls: WorkflowRun['calls']): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(c.operation, (counts.get(c.operation) ?? 0) + 1);
  return counts;
}

/** AWS services each function called in any run of this benchmark, keyed by function. */
function servicesCalled(input: ReportInput): Map<string, Set<string>> {
  const runs = [...input.routine.runs, ...(typeof input.expiry === 'string' ? [] : [input.expiry]), ...(typeof input.race === 'string' ? [] : [input.race.run])];
  const out = new Map<string, Set<string>>();
  for (const call of runs.flatMap((r) => r.calls)) {
    if (!call.caller) continue;
    out.set(call.caller, (out.get(call.caller) ?? new Set()).add(call.service.replace(/-/g, '')));
  }
  return out;
}

function bundleSection(input: ReportInput): string[] {
  const called = servicesCalled(input);
  const rows = [...input.bundles].sort((a, b) => a.fn.workflow.localeCompare(b.fn.workflow) || a.fn.key.localeCompare(b.fn.key));
  const over = rows.filter((r) => r.shipped.bytes > BUDGET_KB * 1024);
  const importRatios = rows.filter((r) => r.naive.importMs).map((r) => r.shipped.importMs! / r.naive.importMs!);
  const out = [
    '## Bundles',
    '',
    `Shipped: scripts/esbuild-options.json (minified ESM, tree-shaken, \`module\` fields, env-only credential provider, scripts/esbuild-plugins.cjs, a source map without the sources' text). Naive: the same handler with no tree-shaking, \`main\` (CommonJS) fields, and no alias or plugins. Size is index.mjs without its source map; gzip at level 9. Cold import: median of ${input.runs} fresh \`node\` processes per build timing \`await import(bundle)\` (Node ${input.node}, shared 2-core machine: compare ratios, not absolutes). Budget: ${BUDGET_KB} KB minified per function (test/budgets.test.ts); goal: cold import ≤ 0.6× naive.`,
    '',
    `**${rows.length - over.length} of ${rows.length} functions within ${BUDGET_KB} KB.** Cold import, shipped ÷ naive: median ${importRatios.length ? median(importRatios).toFixed(2) : '—'}, worst ${importRatios.length ? Math.max(...importRatios).toFixed(2) : '—'}.`,
    '',
    table(
      ['function', 'workflow', 'KB', 'gzip KB', 'naive KB', 'size ÷ naive', 'import ms', 'naive ms', 'import ÷ naive', 'SDK clients bundled', 'never called here'],
      rows.map((r) => [
        r.fn.key,
        r.fn.workflow,
        `${kb(r.shipped.bytes)}${r.shipped.bytes > BUDGET_KB * 1024 ? ' ⚠' : ''}`,
        kb(r.shipped.gzipBytes),
        kb(r.naive.bytes),
        ratio(r.shipped.bytes, r.naive.bytes),
        ms(r.shipped.importMs),
        ms(r.naive.importMs),
        r.shipped.importMs && r.naive.importMs ? ratio(r.shipped.importMs, r.naive.importMs) : '—',
        r.clients.join(', ') || '—',
        called.has(r.fn.key) ? r.clients.filter((c) => !called.get(r.fn.key)!.has(c.replace(/-/g, ''))).join(', ') || '—' : '(not run)',
      ]),
    ),
    '',
    '"Never called here": clients its handler names (so bundled; each is built only at its first use) that the function did not call in any run of this benchmark, on a path that did not need them; "(not run)": the function ran in none (failure paths).',
    '',
  ];
  if (input.sourceMaps) {
    out.push(
      `\`NODE_OPTIONS=--enable-source-maps\` (set in serverless.yml) on the largest bundle, ${input.sourceMaps.key}: ${ms(input.sourceMaps.withMs)} ms cold import against ${ms(input.sourceMaps.withoutMs)} ms without (${ratio(input.sourceMaps.withMs, input.sourceMaps.withoutMs)}×). The map leaves the sources' text out (\`sourcesContent: false\`): stack traces still name the original file, line and column, and the map Node parses at each cold start is about a quarter of the size.`,
      '',
    );
  }
  out.push('### What the shipped bundles are made of', '', 'Median bytes per package across all functions that bundle it (shipped build):', '');
  const perPackage = new Map<string, number[]>();
  for (const r of rows) for (const [pkg, bytes] of r.shipped.packages) perPackage.set(pkg, [...(perPackage.get(pkg) ?? []), bytes]);
  const heavy = [...perPackage].map(([pkg, sizes]) => [pkg, median(sizes), sizes.length] as const).filter(([, size]) => size >= 4096).sort((a, b) => b[1] - a[1]);
  out.push(table(['package', 'KB (median)', 'functions'], heavy.map(([pkg, size, n]) => [pkg, kb(size), n])), '');
  return out;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function workflowSection(input: ReportInput, initMs: Map<string, number>): string[] {
  const out = [
    '## Workflows: a routine run on the simulator',
    '',
    'The routine run of each workflow is its demo scenario (src/local/demo/), run by the local runner on the real state machine with waits skipped. AWS calls are those the simulator logged during the run (seeding excluded). The minimum, per operation and with its reason, is scripts/bench-minimums.ts (rules at its top).',
    '',
    `Cost per run: Step Functions Standard state transitions (every state entered, and every retry) at $${(PRICES.stepFunctionsPerTransition * 1000).toFixed(3)} per 1,000, plus Lambda on arm64 at $${PRICES.lambdaArmPerGbSecond} per GB-second and $0.20 per million requests; us-east-1 list prices (aws.amazon.com/step-functions/pricing, aws.amazon.com/lambda/pricing), as of ${PRICES.checked}, free tiers ignored. Lambda time per invocation = the handler's time on this machine, rounded up to the ms, plus the shipped bundle's median cold import as its INIT (billed since August 2025; every invocation of a monthly job is cold), at the function's configured memory.`,
    '',
  ];
  const rows = input.routine.runs.map((run) => {
    const min = minimumTotal(run.workflow);
    const cost = costOf(run, initMs);
    return [
      run.workflow,
      run.status + (run.error ? ` (${run.error})` : ''),
      run.calls.length,
      min ?? '—',
      min === undefined ? '—' : `+${run.calls.length - min}`,
      run.calls.filter((c) => c.status >= 400).length,
      run.transitions,
      run.tasks.length,
      cost.lambdaGbS.toFixed(3),
      usd(cost.total),
    ];
  });
  out.push(table(['workflow', 'status', 'AWS calls', 'minimum', 'over', 'of which 4xx', 'transitions', 'invocations', 'Lambda GB-s', 'cost per run'], rows), '');
  for (const skipped of input.routine.skipped) out.push(`- ${skipped}: skipped, no demo scenario registered yet (src/local/demo/scenarios.ts).`);
  for (const run of input.routine.runs) {
    const observed = tally(run.calls);
    const minimum = MINIMUM_CALLS[run.workflow] ?? [];
    const operations = [...new Set([...minimum.map((m) => m.operation), ...observed.keys()])];
    out.push(
      '',
      `### ${run.workflow}`,
      '',
      table(
        ['operation', 'calls', 'minimum', 'why the minimum needs it'],
        operations.map((op) => {
          const m = minimum.find((x) => x.operation === op);
          return [op, observed.get(op) ?? 0, m?.count ?? 0, m?.why ?? 'not needed'];
        }),
      ),
      '',
      `Calls per function: ${[...tally(run.calls.map((c) => ({ ...c, operation: c.caller ?? '?' }))).entries()].map(([fn, n]) => `${fn} ${n}`).join(', ')}.`,
    );
    const over = run.calls.length - (minimumTotal(run.workflow) ?? run.calls.length);
    if (over > 0) out.push('', `Above the minimum (+${over}): ${ABOVE_MINIMUM[run.workflow] ?? 'unexplained (scripts/bench-minimums.ts ABOVE_MINIMUM has no entry)'}`);
  }
  out.push('');
  return out;
}

function expirySection(input: ReportInput): string[] {
  const out = ['## Expiry check over 1,000 certificates', ''];
  if (typeof input.expiry === 'string') return [...out, `Skipped: ${input.expiry}.`, ''];
  const run = input.expiry;
  const byOp = [...tally(run.calls)].map(([op, n]) => `${op} ${n}`).join(', ');
  const failedWrite = run.status === 'SUCCEEDED' ? undefined : run.calls.find((c) => c.status >= 400 && !/^(Get|List|Describe|Put)/.test(c.operation));
  out.push(
    `check-iam-cert-expiry on the simulator holding 1,000 server certificates (the demo's, copied under new names with expiries spread over two years; IAM's quota raised to allow it): **${run.status}${run.error ? ` (${run.error})` : ''}, ${(run.wallMs / 1000).toFixed(2)} s wall time, ${run.calls.length} AWS calls** (${byOp}); ${run.transitions} transitions. Minimum: ListServerCertificates returns up to 1,000 certificates per page with their expiry, so 1 listing call, plus the calls of the routine run (secrets, Slack webhook).`,
    '',
  );
  const check = run.tasks.find((t) => t.functionKey === 'expiryCheckCertificates');
  const checkCalls = run.calls.filter((c) => c.caller === 'expiryCheckCertificates').length;
  if (check) out.push(`The check step alone (expiryCheckCertificates): ${check.ms.toFixed(0)} ms, ${checkCalls} calls.`, '');
  if (failedWrite) out.push(`The run failed at ${failedWrite.caller ?? '?'}'s ${failedWrite.operation} (${failedWrite.status} ${failedWrite.errorCode ?? ''}): what it writes grows with the number of certificates.`, '');
  return out;
}

function raceSection(input: ReportInput): string[] {
  const out = ['## CloudFront rotation under a racing writer', ''];
  if (typeof input.race === 'string') return [...out, `Skipped: ${input.race}.`, ''];
  const { run, attempts, successes, preconditionFailed } = input.race;
  out.push(
    `A second, forced rotation of the demo key group (it adds the new key, then removes keyturn's old one) while another writer adds a key to the group just before each of keyturn's UpdateKeyGroup calls lands (the simulator's racing-writer fault), so each first If-Match is stale: **${run.status}${run.error ? ` (${run.error})` : ''}; ${attempts} UpdateKeyGroup attempts for ${successes} successful, ${successes ? (attempts / successes).toFixed(1) : '—'} attempts per success** (${preconditionFailed} PreconditionFailed). Minimum under one race per update: 2 attempts per success (the stale one, then one after re-reading the group); each retry also costs one GetKeyGroup. Total AWS calls: ${run.calls.length}; transitions: ${run.transitions}.`,
    '',
  );
  return out;
}

export function renderReport(input: ReportInput): string {
  const initMs = new Map(input.bundles.map((b) => [b.fn.key, b.shipped.importMs ?? 0]));
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (scripts/bench.ts and scripts/bench-*.ts) on ${input.started.toISOString().slice(0, 16).replace('T', ' ')} UTC; do not edit by hand. Sizes are also guarded by test/budgets.test.ts; timings live only here.`,
    '',
    ...bundleSection(input),
    ...workflowSection(input, initMs),
    ...expirySection(input),
    ...raceSection(input),
  ].join('\n');
}
