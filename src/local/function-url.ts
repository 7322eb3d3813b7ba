/**
 * A Lambda Function URL on this machine: an HTTP server on 127.0.0.1 that hands each request to a
 * handler as a Function URL event (payload format 2.0: lower-cased headers, the body base64-encoded
 * with `isBase64Encoded: true`, as Function URLs deliver a form post) and writes back the handler's
 * `{ statusCode, headers, body }`. The local stack and the tests serve the Slack interactivity
 * endpoint with it, so the simulator's Slack can post to it as Slack would.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FunctionUrlEvent {
  version: '2.0';
  rawPath: string;
  rawQueryString: string;
  headers: Record<string, string>;
  requestContext: { http: { method: string; path: string; sourceIp: string }; timeEpoch: number };
  body: string;
  isBase64Encoded: true;
}

export type FunctionUrlHandler = (event: FunctionUrlEvent) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }>;

export interface FunctionUrl {
  url: string;
  close(): Promise<void>;
}

/** Function URLs take request bodies up to 6 MB. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startFunctionUrl(handler: FunctionUrlHandler, options: { port?: number } = {}): Promise<FunctionUrl> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const url = new URL(req.url ?? '/', 'http://localhost');
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
        const out = await handler({
          version: '2.0',
          rawPath: url.pathname,
          rawQueryString: url.search.slice(1),
          headers,
          requestContext: { http: { method: req.method ?? 'GET', path: url.pathname, sourceIp: req.socket.remoteAddress ?? '' }, timeEpoch: Date.now() },
          body: body.toString('base64'),
          isBase64Encoded: true,
        });
        res.writeHead(out.statusCode, out.headers ?? {});
        res.end(out.body ?? '');
      } catch {
        // What a Function URL answers when the function fails: the error itself is in its logs.
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ Message: 'Internal Server Error' }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
