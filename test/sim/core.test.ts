import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, startSimulator } from '../../src/local/sim/server';
import { nonLoopbackWarning } from '../../src/cli/sim';
import { keyturn } from '../support/cli';
import { useSimulator } from '../support/sim';

/** A raw request, so the Host header can be whatever a browser under DNS rebinding would send. */
function raw(url: string, options: { method: string; path: string; host: string; body?: Buffer | string }): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method: options.method, path: options.path, headers: { host: options.host, 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('simulator exposure', () => {
  const sim = useSimulator();

  it('refuses admin and AWS requests whose Host header is not a loopback name (DNS rebinding), changing nothing', async () => {
    await sim.admin('POST', '/_sim/clock', { offsetSeconds: -3600 });
    for (const host of ['evil.example', 'evil.example:4566', '10.0.0.5', 'localhost.evil.example']) {
      const reset = await raw(sim.url, { method: 'POST', path: '/_sim/reset', host });
      expect(reset.status, host).toBe(403);
      expect(reset.body).toContain('loopback host names only');
    }
    const aws = await raw(sim.url, { method: 'POST', path: '/', host: 'evil.example', body: '{}' });
    expect(aws.status).toBe(403);
    const { now } = await sim.admin<{ now: string }>('GET', '/_sim/clock');
    expect(Date.now() - Date.parse(now)).toBeGreaterThan(3000_000); // the reset was refused: the clock is still shifted
    for (const host of ['localhost', `127.0.0.1:${new URL(sim.url).port}`, 'app.localhost', '[::1]:4566']) {
      expect((await raw(sim.url, { method: 'GET', path: '/_sim/clock', host })).status, host).toBe(200);
    }
  });

  it('answers a name it was told to allow (a simulator bound to another interface on purpose)', async () => {
    const other = await startSimulator({ port: 0, allowedHostNames: ['sim.internal'] });
    try {
      expect((await raw(other.url, { method: 'GET', path: '/_sim/clock', host: 'sim.internal:4566' })).status).toBe(200);
      expect((await raw(other.url, { method: 'GET', path: '/_sim/clock', host: 'other.internal' })).status).toBe(403);
    } finally {
      await other.close();
    }
  });

  it(`bounds request bodies at ${MAX_BODY_BYTES} bytes (413)`, async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 'a');
    const out = await raw(sim.url, { method: 'PUT', path: '/_sim/state', host: '127.0.0.1', body: big });
    expect(out.status).toBe(413);
  });

  it('writes --state FILE readable by its owner only (it holds every secret in plain text)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keyturn-state-')), 'world.json');
    const other = await startSimulator({ port: 0, stateFile: file });
    try {
      await fetch(`${other.url}/_sim/slack/x`, { method: 'POST', body: '{}' });
      await fetch(`${other.url}/_sim/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: 1 }) });
      await fetch(`${other.url}/_sim/reset`, { method: 'POST' });
    } finally {
      await other.close();
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('warns when keyturn sim --host is not a loopback address', () => {
    expect(nonLoopbackWarning('127.0.0.1')).toBeUndefined();
    expect(nonLoopbackWarning('localhost')).toBeUndefined();
    expect(nonLoopbackWarning('0.0.0.0')).toMatch(/not a loopback address: anyone who can reach it can read and change the simulated world, secrets included/);
    expect(nonLoopbackWarning('192.168.1.20')).toContain('must name 192.168.1.20 or a loopback host');
  });
});

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
          if ((text.match(/\.\/bin\/keyturn\.js run /g) ?? []).length >= 5 && text.endsWith('\n')) resolve(text);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${text}`)));
      });
      const url = /listening on (\S+)/.exec(out)![1]!;
      const command = out.split('\n').find((l) => l.includes('keyturn.js run rotate-cloudfront-key'))!;
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
