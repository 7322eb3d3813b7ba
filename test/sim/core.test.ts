import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/local/sim/server';
import { keyturn } from '../support/cli';
import { useSimulator } from '../support/sim';

describe('simulator core', () => {
  const sim = useSimulator();

  it('records Slack webhook posts and lists them', async () => {
    const res = await fetch(`${sim.url}/_sim/slack/T000/B000/secret`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    const { messages } = await sim.admin<{ messages: Array<{ path: string; body: unknown }> }>('GET', '/_sim/slack');
    expect(messages).toMatchObject([{ path: '/T000/B000/secret', body: { text: 'hello' } }]);
  });

  it('fails the next Slack posts with an injected status', async () => {
    await sim.admin('POST', '/_sim/faults', { service: 'slack', operation: 'PostMessage', error: { code: 'no_service', status: 404 }, count: 1 });
    const first = await fetch(`${sim.url}/_sim/slack/hook`, { method: 'POST', body: '{}' });
    const second = await fetch(`${sim.url}/_sim/slack/hook`, { method: 'POST', body: '{}' });
    expect([first.status, second.status]).toEqual([404, 200]);
  });

  it('rejects a fault with no effect, naming what is missing', async () => {
    const res = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ operation: 'GetKeyGroup' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.stringContaining('throttle') });
  });

  it('shifts its clock through /_sim/clock', async () => {
    const before = Date.now();
    const { now } = await sim.admin<{ now: string }>('POST', '/_sim/clock', { offsetSeconds: -86_400 });
    expect(Date.parse(now)).toBeLessThan(before - 86_000_000);
    await sim.admin('POST', '/_sim/reset');
    const reset = await sim.admin<{ offsetMs: number }>('GET', '/_sim/clock');
    expect(reset.offsetMs).toBe(0);
  });

  it('answers a request for no known service with an AWS-shaped JSON error, not a crash', async () => {
    const res = await fetch(`${sim.url}/not-a-service`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'UnrecognizedClientException' });
  });

  it('answers an unknown admin route with 404', async () => {
    const res = await fetch(`${sim.url}/_sim/nothing-here`);
    expect(res.status).toBe(404);
  });
});

describe('simulator state file', () => {
  it('keeps its state across a restart', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'keyturn-sim-')), 'state.json');
    const first = await startSimulator({ port: 0, stateFile });
    await fetch(`${first.url}/_sim/slack/hook`, { method: 'POST', body: JSON.stringify({ text: 'kept' }) });
    await fetch(`${first.url}/_sim/clock`, { method: 'POST', body: JSON.stringify({ offsetSeconds: 60 }) });
    await first.close();

    const second = await startSimulator({ port: 0, stateFile });
    try {
      const { messages } = (await (await fetch(`${second.url}/_sim/slack`)).json()) as { messages: Array<{ body: unknown }> };
      expect(messages.map((m) => m.body)).toEqual([{ text: 'kept' }]);
      expect(second.state.clockOffsetMs).toBe(60_000);
    } finally {
      await second.close();
    }
  });
});

describe('keyturn sim', () => {
  it('prints the address it listens on', async () => {
    const child = spawn(process.execPath, ['bin/keyturn.js', 'sim', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(line).toMatch(/^keyturn simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = line.split(' ').pop()!;
      expect((await fetch(`${url}/_sim/clock`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('seeds the demo account with --demo and prints commands that run each workflow against it', async () => {
    const child = spawn(process.execPath, ['bin/keyturn.js', 'sim', '--port', '0', '--demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (c: Buffer) => {
          text += c.toString();
          if ((text.match(/npx keyturn run /g) ?? []).length >= 5 && text.endsWith('\n')) resolve(text);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${text}`)));
      });
      const url = /listening on (\S+)/.exec(out)![1]!;
      const command = out.split('\n').find((l) => l.includes('keyturn run rotate-cloudfront-key'))!;
      const input = /--input '(.*)'$/.exec(command)![1]!;
      const previous = process.env.AWS_ENDPOINT_URL;
      process.env.AWS_ENDPOINT_URL = url;
      try {
        const { code, stderr } = await keyturn('run', 'rotate-cloudfront-key', '--local', '--skip-waits', '--input', input);
        expect(code, stderr).toBe(0);
      } finally {
        if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
        else process.env.AWS_ENDPOINT_URL = previous;
      }
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('exits 2 on a bad port', async () => {
    const child = spawn(process.execPath, ['bin/keyturn.js', 'sim', '--port', 'abc'], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
  });
});
