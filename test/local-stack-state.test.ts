/**
 * `keyturn up --state FILE`: the stack runs against a world saved by `keyturn sim --state FILE`
 * (here seeded with the demo scenarios), and leaves the world it made in the file.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config';
import { scenarios } from '../src/local/demo/scenarios';
import { startSimulator } from '../src/local/sim/server';
import { up } from '../src/local/stack/up';
import { keyturn } from './support/cli';

describe('keyturn up --state FILE', () => {
  it('runs the committed config against a saved world, and saves what it did there', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'keyturn-up-')), 'world.json');
    const previous = process.env.AWS_ENDPOINT_URL;
    // The same port for both, as keyturn sim and keyturn up --state use (the world's webhook URL names it).
    const sim = await startSimulator({ port: 0, stateFile });
    const port = Number(new URL(sim.url).port);
    process.env.AWS_ENDPOINT_URL = sim.url;
    for (const scenario of scenarios) await scenario.seed(sim.url);
    await sim.close();
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;

    const config = loadConfig('keyturn.config.yml', { root: process.cwd() });
    const result = await up({ root: process.cwd(), config, demo: false, stateFile, port, days: 2, start: new Date('2026-12-05T21:40:00Z'), out: () => {} });

    expect(result.executions.filter((e) => e.status !== 'SUCCEEDED')).toEqual([]);
    expect(result.executions.find((e) => e.target === 'media-signing-key')).toMatchObject({ at: '2026-12-06 21:40', summary: expect.stringMatching(/^rotated: /) });
    // The saved world now holds the deployed stack and its runs.
    const saved = readFileSync(stateFile, 'utf8');
    expect(saved).toContain('keyturn-media-signing-key-dev');
    expect(saved).toContain('keyturn-rotate-cloudfront-key-dev');
  });

  it('refuses --demo with --state, naming both', async () => {
    const { code, stderr } = await keyturn('up', '--demo', '--state', 'world.json');
    expect(code).toBe(2);
    expect(stderr).toContain('--demo seeds a fresh world; --state runs against a saved one');
  });
});
