import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  const abs = join(root, dir);
  try {
    statSync(abs);
  } catch {
    return [];
  }
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** Relative imports of a file, resolved to repo-relative paths. */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => relative(root, resolve(root, dirname(file), s)));
}

describe('architecture (docs/design.md)', () => {
  it('keeps the simulator free of imports from the code it judges', () => {
    // Guard against a vacuous pass: the scan must see the simulator's own imports.
    expect(relativeImports('src/local/sim/server.ts')).toContain('src/local/sim/protocol');
    const offenders = sources('src/local/sim').flatMap((file) =>
      relativeImports(file)
        .filter((target) => !target.startsWith('src/local/sim'))
        .map((target) => `${file} imports ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('never imports src/local from deployed code', () => {
    const deployed = [...sources('functions'), ...sources('src').filter((f) => !f.startsWith('src/local/') && !f.startsWith('src/cli/'))];
    const offenders = deployed.flatMap((file) =>
      relativeImports(file)
        .filter((target) => target.startsWith('src/local') || target.startsWith('src/cli'))
        .map((target) => `${file} imports ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('builds AWS clients only in src/aws/clients.ts', () => {
    const offenders = [...sources('src'), ...sources('functions')]
      .filter((f) => !f.startsWith('src/local/') && f !== 'src/aws/clients.ts')
      .filter((f) => /new \w+Client\(/.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('imports zod only through src/zod.ts (zod/mini, with its English messages set)', () => {
    // Classic 'zod' would put all of zod back into every bundle (past the 300 KB budget); a bare 'zod/mini'
    // would report "Invalid input" without the rule, as mini loads no messages by itself.
    const offenders = [...sources('src'), ...sources('functions'), ...sources('scripts'), ...sources('test')]
      .filter((f) => f !== 'src/zod.ts')
      .filter((f) => /(?:from|import)\s*\(?\s*['"]zod(?:\/[^'"]*)?['"]/.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('keeps the version in src/version.ts in step with package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const { version } = await import('../src/version');
    expect(version).toBe(pkg.version);
  });
});
