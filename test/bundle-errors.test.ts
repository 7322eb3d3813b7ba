/**
 * The Lambda bundles keep the registrations of only the SDK error classes keyturn names
 * (scripts/esbuild-plugins.cjs). This checks, on the simulator, that bundled code sees
 * the same errors as the SDK in node_modules: same name, message, fault and status, the same
 * answer from keyturn's own translations, `instanceof` for each class keyturn imports, and the
 * service's base exception for the rest (test/support/sdk-error-scenarios.ts).
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaBuildOptions, projectRoot } from '../scripts/build';
import { SCENARIOS, runScenario } from './support/sdk-error-scenarios';
import { useSimulator } from './support/sim';

type Run = typeof runScenario;

describe('SDK errors in a Lambda bundle', () => {
  const sim = useSimulator();
  let scratch: string;
  let bundled: Run;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'keyturn-bundle-errors-'));
    const result = await build({
      ...lambdaBuildOptions(),
      sourcemap: false,
      write: false,
      logLevel: 'warning',
      entryPoints: [join(projectRoot, 'test', 'support', 'sdk-error-scenarios.ts')],
      outfile: join(scratch, 'scenarios.mjs'),
    });
    const file = join(scratch, 'scenarios.mjs');
    writeFileSync(file, result.outputFiles[0]!.text);
    ({ runScenario: bundled } = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { runScenario: Run });
  }, 60_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  async function outcome(run: Run, index: number) {
    const { service, operation, code, status } = SCENARIOS[index]!;
    await sim.admin('POST', '/_sim/faults', { service, operation, error: { code, status, message: `injected ${code}` }, count: 1 });
    return run(index);
  }

  it.each(SCENARIOS.map((s, index) => [`${s.service} ${s.operation} answering ${s.code}`, index] as const))('%s: the same as the SDK unbundled', async (_, index) => {
    const fromNodeModules = await outcome(runScenario, index);
    const fromBundle = await outcome(bundled, index);
    expect(fromBundle).toEqual(fromNodeModules);
  });

  it('singles out the errors keyturn names, in the bundle too', async () => {
    const byCode = async (code: string) => outcome(bundled, SCENARIOS.findIndex((s) => s.code === code));
    // keyturn's own translations.
    expect(await byCode('NoSuchPublicKey')).toEqual({ returned: null });
    expect(await byCode('NoSuchResource')).toMatchObject({ threw: { name: 'KeyGroupNotFoundError', cause: { name: 'NoSuchResource', instanceOf: ['NoSuchResource'] } } });
    expect(await byCode('Throttling')).toMatchObject({ threw: { name: 'TransientAwsError', cause: { name: 'Throttling', serviceException: true } } });
    // Classes keyturn imports: instanceof holds.
    expect(await byCode('ResourceNotFoundException')).toMatchObject({ threw: { instanceOf: ['ResourceNotFoundException'] } });
    expect(await byCode('TooManyRequestsException')).toMatchObject({ threw: { instanceOf: ['TooManyRequestsException'], status: 429 } });
    // awsQuery: the class gives the name, not the wire code.
    expect(await byCode('NoSuchEntity')).toMatchObject({ threw: { name: 'NoSuchEntityException', instanceOf: ['NoSuchEntityException'] } });
    expect(await byCode('InvalidInput')).toMatchObject({ threw: { name: 'InvalidInputException', serviceException: true } });
    // A modelled error keyturn does not name: the base exception, with its own name and message.
    expect(await byCode('AccessDenied')).toEqual({
      threw: { name: 'AccessDenied', message: 'injected AccessDenied', fault: 'client', status: 403, serviceException: true, instanceOf: [] },
    });
  });
});
