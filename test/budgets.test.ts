/**
 * Size budgets of the Lambda bundles, so they cannot regress. Sizes only: timings live
 * in `npm run bench` (docs/benchmarks.md), never in tests.
 *
 * Builds every deployed function once, in process, with the options `npm run build` and
 * packaging use (scripts/esbuild-options.json), without writing anything.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions, deployedFunctions, lambdaBuildOptions, type BundledFunction } from '../scripts/build';

const KB = 1024;
/** The budget of every function: minified bundle, source map not counted. */
const BUDGET = 300 * KB;

/** The biggest packages in a bundle, for a failure message that says where to look. */
function heaviest(bundle: BundledFunction, count = 5): string {
  const byPackage = new Map<string, number>();
  for (const [input, bytes] of Object.entries(bundle.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytes);
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${(bytes / KB).toFixed(0)} KB`)
    .join(', ');
}

describe('Lambda bundle budgets', () => {
  const functions = deployedFunctions();
  let scratch: string;
  let bundles: BundledFunction[] = [];

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'keyturn-budgets-'));
    bundles = await bundleFunctions(functions, { ...lambdaBuildOptions(), sourcemap: false, write: false, outdir: scratch });
  }, 60_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.skipIf(functions.length === 0)('builds a bundle for every function serverless.yml deploys', () => {
    expect(bundles.map((b) => b.fn.key).sort()).toEqual(functions.map((f) => f.key).sort());
  });

  it.skipIf(functions.length === 0)('keeps every function bundle within 300 KB minified', () => {
    const over = bundles.flatMap((bundle) => {
      if (bundle.bytes <= BUDGET) return [];
      return [`${bundle.fn.key} (${bundle.fn.workflow}): ${(bundle.bytes / KB).toFixed(1)} KB > ${BUDGET / KB} KB; heaviest: ${heaviest(bundle)}`];
    });
    expect(over).toEqual([]);
  });

  it.skipIf(functions.length === 0)('bundles only the SDK clients its handler names (no client a function does not use)', () => {
    // A client's class module (`<Service>Client.js`) is bundled only when something may construct it.
    const service = (name: string) => name.replace(/Bucket|Client/g, '').toLowerCase();
    const offenders = bundles.flatMap((bundle) => {
      const imports = /import \{([^}]*)\} from '(?:\.\.\/)+src\/aws\/clients'/.exec(readFileSync(bundle.fn.file, 'utf8'))?.[1] ?? '';
      const named = new Set(imports.split(',').map((n) => service(n.trim())));
      // A target service's client may act in another account, through STS (src/aws/clients.ts).
      if (['cloudfront', 'iam', 'apigateway', 'lightsail'].some((s) => named.has(s))) named.add('sts');
      const bundled = Object.keys(bundle.inputs).flatMap((input) => /node_modules\/@aws-sdk\/client-[^/]+\/dist-es\/(\w+)Client\.js$/.exec(input)?.[1] ?? []);
      return bundled.filter((client) => !named.has(service(client))).map((client) => `${bundle.fn.key}: ${client}Client`);
    });
    expect(offenders).toEqual([]);
  });

  it.skipIf(functions.length === 0)('leaves the default credential chain out: Lambda passes credentials in the environment', () => {
    const chain = /node_modules\/@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|login|http)|nested-clients|token-providers)\//;
    const offenders = bundles.filter((b) => Object.keys(b.inputs).some((input) => chain.test(input))).map((b) => b.fn.key);
    expect(offenders).toEqual([]);
  });

  it.skipIf(functions.length === 0)('leaves out the SDK schemas of operations no step sends (scripts/esbuild-plugins.cjs)', () => {
    // CopyDistribution, DeleteBucket: operations of CloudFront and S3 that keyturn never sends.
    const unused = /"(CopyDistribution|DeleteBucket)"/;
    const withSchemas = bundles.filter((b) => Object.keys(b.inputs).some((input) => /client-(cloudfront|s3)\/dist-es\/schemas\//.test(input)));
    expect(withSchemas.length).toBeGreaterThan(0);
    expect(withSchemas.filter((b) => unused.test(b.text ?? '')).map((b) => b.fn.key)).toEqual([]);
  });

  it.skipIf(functions.length === 0)('registers only the SDK error classes keyturn names (scripts/esbuild-plugins.cjs; test/bundle-errors.test.ts runs them)', () => {
    // CloudFront models 153 errors; keyturn tells 7 apart (src/cloudfront/). CachePolicyInUse is not one.
    const cloudFront = bundles.filter((b) => Object.keys(b.inputs).some((input) => input.includes('/client-cloudfront/')));
    expect(cloudFront.length).toBeGreaterThan(0);
    for (const bundle of cloudFront) {
      expect(bundle.text, bundle.fn.key).not.toContain('"CachePolicyInUse"');
      expect(bundle.text, bundle.fn.key).toContain('"PreconditionFailed"');
    }
  });

  it.skipIf(functions.length === 0)("leaves @smithy/core's event-stream serde out, and no step sends an operation that needs it (scripts/esbuild-plugins.cjs)", () => {
    const withEventStreams = bundles.filter((b) => Object.keys(b.inputs).some((input) => input.endsWith('/event-streams/EventStreamSerde.js')));
    // An event-stream union's schema is flagged `streaming: 1` (S3's SelectObjectContent, for one).
    const needingThem = bundles.filter((b) => /[{,]streaming:1[,}]/.test(b.text ?? ''));
    expect(withEventStreams.map((b) => b.fn.key)).toEqual([]);
    expect(needingThem.map((b) => b.fn.key)).toEqual([]);
  });

  it.skipIf(functions.length === 0)("keeps only the version of each SDK client's package.json, which its user agent reads (scripts/esbuild-plugins.cjs)", () => {
    const clientPackages = bundles.flatMap((b) => Object.entries(b.inputs).filter(([input]) => /@aws-sdk\/client-[^/]+\/package\.json$/.test(input)).map(([input, bytes]) => ({ key: b.fn.key, input, bytes })));
    expect(clientPackages.length).toBeGreaterThan(0);
    expect(clientPackages.filter((p) => p.bytes > 40)).toEqual([]);
    // The version is still there, for the user agent (`aws-sdk-js/<version>` is another package's).
    const cloudFront = bundles.find((b) => b.fn.key === 'cloudfrontAddKeyToGroup');
    const { version } = JSON.parse(readFileSync(join('node_modules', '@aws-sdk', 'client-cloudfront', 'package.json'), 'utf8')) as { version: string };
    expect(cloudFront?.text).toContain(`"${version}"`);
  });

  it.skipIf(functions.length === 0)('ships a source map with each bundle, without the sources’ text (NODE_OPTIONS=--enable-source-maps parses it at every cold start)', async () => {
    const [fn] = functions;
    const [mapped] = await bundleFunctions([fn!], { ...lambdaBuildOptions(), outdir: join(scratch, 'mapped') });
    const map = JSON.parse(readFileSync(`${mapped!.outfile}.map`, 'utf8')) as { mappings?: string; sources?: string[]; sourcesContent?: unknown };
    expect(lambdaBuildOptions().sourcemap).toBe(true);
    expect(map.sources?.length).toBeGreaterThan(0);
    expect(map.mappings?.length).toBeGreaterThan(0);
    expect(map.sourcesContent).toBeUndefined();
  });

  it.skipIf(functions.length === 0)("bundles zod's tree-shakable build, not all of its locales", () => {
    const offenders = bundles.filter((b) => Object.keys(b.inputs).some((input) => /node_modules\/zod\/v4\/locales\/(?!en\.)/.test(input))).map((b) => b.fn.key);
    expect(offenders).toEqual([]);
  });
});
