/**
 * The embedded AWS simulator: one HTTP port that speaks CloudFront (restXml), IAM (awsQuery),
 * API Gateway (restJson), Lightsail and Secrets Manager (awsJson1_1) and an S3-compatible
 * probe, so the unmodified SDK reaches it through `AWS_ENDPOINT_URL`. Plus a Slack webhook sink
 * and an admin API under `/_sim/` (README: "The simulator").
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chmodSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AdminInputError, AwsError, json, type Principal, type ServiceModule, type SimContext, type SimRequest, type SimResponse } from './protocol';
import { allWorlds, emptyState, persistable, restore, SEEDABLE_IDS, worldOf, type SimState } from './state';
import { Faults, type FaultSpec, type RacingWriterSpec } from './faults';
import { services as defaultServices } from './services/index';
import { stepFunctions, type StateMachineExecutor } from './services/stepfunctions';
import { stsState } from './services/sts';
import { click, command, parseClickRequest, parseCommandRequest } from './slack-click';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** JSON file the state is loaded from at start and written to after every write. */
  stateFile?: string;
  accountId?: string;
  region?: string;
  /** Runs Step Functions executions (StartExecution); injected so the simulator never imports a runner. */
  executor?: StateMachineExecutor;
  /**
   * Host header names answered besides the loopback ones (localhost, *.localhost, 127.x.x.x,
   * [::1]): for a simulator bound to another interface on purpose. A request naming any other
   * host is refused (403), so a web page cannot reach the simulator through DNS rebinding.
   */
  allowedHostNames?: readonly string[];
}

/** Largest request body the simulator reads (IAM's certificate chain, 2 MiB, is the largest AWS input it serves; a state file may be larger). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Whether `hostname` (as a Host header names it, without the port) is this machine's loopback. */
export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(name) || name === '[::1]' || name === '::1';
}

/** The host of a Host header, without its port (`[::1]:4566` → `[::1]`). */
function hostNameOf(header: string | undefined): string {
  const value = (header ?? '').trim();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.replace(/:\d+$/, '');
}

export interface Simulator {
  /** e.g. `http://127.0.0.1:4566` */
  url: string;
  port: number;
  state: SimState;
  faults: Faults;
  close(): Promise<void>;
}

const READ_PREFIXES = ['Get', 'List', 'Describe', 'Head'];

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const services = options.executor ? { ...defaultServices, states: stepFunctions(options.executor) } : defaultServices;
  let state = loadState(options);
  const faults = new Faults();
  let seq = 0;
  let slackSeq = 0;

  const ctx: SimContext = {
    get state() {
      return state;
    },
    get home() {
      return state;
    },
    faults,
    now: () => Date.now() + state.clockOffsetMs,
    persist: () => {
      if (!options.stateFile) return;
      // The world holds every secret value in plain text: readable by its owner only.
      const tmp = `${options.stateFile}.tmp`;
      writeFileSync(tmp, JSON.stringify(persistable(state), null, 2), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, options.stateFile);
    },
    baseUrl: '',
  };

  const allowedHosts = new Set((options.allowedHostNames ?? []).map((h) => h.toLowerCase()));
  const server: Server = createServer((req, res) => {
    const hostName = hostNameOf(req.headers.host);
    if (!isLoopbackName(hostName) && !allowedHosts.has(hostName.toLowerCase())) {
      // Before the body is read: a cross-site page reaching the port by a rebound name gets nothing.
      send(res, json(403, { __type: 'AccessDeniedException', message: `the simulator answers requests to loopback host names only, not '${hostName.slice(0, 100)}' (keyturn sim --host)` }));
      req.resume();
      return;
    }
    readBody(req, MAX_BODY_BYTES)
      .then((body) => (body === undefined ? json(413, { __type: 'RequestEntityTooLarge', message: `request bodies are limited to ${MAX_BODY_BYTES} bytes` }) : route(toSimRequest(req, body))))
      .then((out) => send(res, out, ctx.now()))
      .catch((error: unknown) => {
        // A simulator bug: answer in a shape every SDK parses, and say so on stderr.
        process.stderr.write(`keyturn simulator: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
        send(res, json(500, { __type: 'InternalFailure', message: 'simulator internal error' }));
      });
  });

  async function route(req: SimRequest): Promise<SimResponse> {
    if (req.path.startsWith('/_sim/') || req.path === '/_sim') return admin(req);
    const module = findService(req);
    if (!module) {
      return json(400, { __type: 'UnrecognizedClientException', message: `no simulated service for ${req.method} ${req.path}` });
    }
    let operation = 'Unknown';
    let out: SimResponse;
    let scoped: SimContext = ctx;
    try {
      operation = module.operation(req);
      req.principal = principalOf(req, module);
      scoped = contextFor(module, req);
      const fault = faults.take(module.service, operation);
      if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.error?.throttle) throw module.throttlingError();
      if (fault.error?.error) {
        const e = fault.error.error;
        throw new AwsError(e.code, e.status, e.message ?? `injected ${e.code}`);
      }
      out = await module.handle(operation, req, scoped);
      if (options.stateFile && !READ_PREFIXES.some((p) => operation.startsWith(p))) ctx.persist();
    } catch (error) {
      out = module.renderError(error instanceof AwsError ? error : internal(error), req);
    }
    seq += 1;
    state.calls.push({
      seq,
      time: new Date(ctx.now()).toISOString(),
      service: module.service,
      operation,
      status: out.status,
      errorCode: out.status >= 400 ? errorCodeOf(out) : undefined,
      caller: callerOf(req),
      accessKeyId: req.accessKeyId,
      account: scoped.state.accountId,
      region: scoped.state.region,
      principal: req.principal?.assumedRole ? req.principal.arn : undefined,
      resource: resourceOf(module, operation, req, scoped),
    });
    return out;
  }

  /**
   * Who signed the request. Credentials AssumeRole issued must come with their session token and
   * be unexpired (by the simulator's clock); any other credentials are the home account's.
   */
  function principalOf(req: SimRequest, module: ServiceModule): Principal {
    const accessKeyId = req.accessKeyId;
    const session = accessKeyId ? stsState(ctx).sessions[accessKeyId] : undefined;
    const jsonStyle = ['lightsail', 'secretsmanager', 'apigateway', 'states'].includes(module.service);
    if (session) {
      const token = req.headers['x-amz-security-token'] ?? req.query.get('X-Amz-Security-Token') ?? undefined;
      if (token !== session.sessionToken) {
        throw new AwsError(jsonStyle ? 'UnrecognizedClientException' : 'InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
      }
      if (Date.parse(session.expiration) <= ctx.now()) {
        throw new AwsError(jsonStyle ? 'ExpiredTokenException' : 'ExpiredToken', 400, 'The security token included in the request is expired');
      }
      const roleId = stsState(ctx).roles[session.roleArn]?.roleId ?? 'AROA';
      return {
        accountId: session.accountId,
        arn: session.assumedRoleArn,
        userId: `${roleId}:${session.sessionName}`,
        assumedRole: { roleArn: session.roleArn, sessionName: session.sessionName },
      };
    }
    if (accessKeyId?.startsWith('ASIA') && module.service !== 's3') {
      // Temporary credentials the simulator never issued (or issued before a reset).
      throw new AwsError(jsonStyle ? 'UnrecognizedClientException' : 'InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
    }
    return { accountId: state.accountId, arn: `arn:aws:iam::${state.accountId}:user/keyturn-local`, userId: 'AIDAKEYTURNLOCALUSER' };
  }

  /** The world a request acts in: see SimContext.state. */
  function contextFor(module: ServiceModule, req: SimRequest): SimContext {
    if (module.scope === 'home') return ctx;
    const where = module.locate?.(req, allWorlds(state)) ?? {
      accountId: req.principal?.accountId ?? state.accountId,
      region: module.scope === 'global' ? state.region : req.signingRegion ?? state.region,
    };
    return worldContext(where.accountId, where.region);
  }

  function worldContext(accountId: string, region: string): SimContext {
    return { state: worldOf(state, accountId, region), home: state, faults, now: ctx.now, persist: ctx.persist, baseUrl: ctx.baseUrl };
  }

  function resourceOf(module: ServiceModule, operation: string, req: SimRequest, scoped: SimContext): string | undefined {
    try {
      return module.resourceOf?.(operation, req, scoped);
    } catch {
      return undefined; // a malformed request names no resource
    }
  }

  function findService(req: SimRequest): ServiceModule | undefined {
    if (req.signingService && services[req.signingService]) return services[req.signingService];
    return Object.values(services).find((m) => m.matches(req));
  }

  async function admin(req: SimRequest): Promise<SimResponse> {
    const [, , area = '', ...rest] = req.path.split('/');
    const key = `${req.method} ${area}`;
    try {
      switch (key) {
        case 'POST reset':
          state = emptyState(state.accountId, state.region);
          faults.clear();
          ctx.persist();
          return json(200, { reset: true });
        case 'GET state':
          return json(200, persistable(state));
        case 'PUT state':
          state = restore(parseJson(req.body) as Partial<SimState>);
          ctx.persist();
          return json(200, { loaded: true });
        case 'GET calls': {
          const service = req.query.get('service');
          const operation = req.query.get('operation');
          const calls = state.calls.filter(
            (c) => (!service || c.service === service) && (!operation || c.operation === operation),
          );
          return json(200, { calls });
        }
        case 'DELETE calls':
          state.calls = [];
          return json(200, { cleared: true });
        case 'GET faults':
          return json(200, faults.list());
        case 'DELETE faults':
          faults.clear();
          return json(200, { cleared: true });
        case 'POST faults':
          return json(200, addFault(parseJson(req.body)));
        case 'POST next-ids': {
          // The ids the next resources of a kind take: a seeded world holds the ids a config names.
          const body = parseJson(req.body) as { kind?: unknown; ids?: unknown };
          const pattern = typeof body.kind === 'string' ? SEEDABLE_IDS[body.kind] : undefined;
          if (!pattern) return json(400, { error: `next-ids needs kind, one of ${Object.keys(SEEDABLE_IDS).join(', ')}` });
          if (!Array.isArray(body.ids) || !body.ids.every((id) => typeof id === 'string' && pattern.test(id))) return json(400, { error: `next-ids needs ids, each matching ${pattern}` });
          (state.nextIds ??= {})[body.kind as string] = [...(state.nextIds[body.kind as string] ?? []), ...(body.ids as string[])];
          ctx.persist();
          return json(200, { queued: state.nextIds[body.kind as string] });
        }
        case 'GET clock':
          return json(200, { now: new Date(ctx.now()).toISOString(), offsetMs: state.clockOffsetMs });
        case 'POST clock': {
          const body = parseJson(req.body) as { offsetSeconds?: number; advanceSeconds?: number };
          if (typeof body.offsetSeconds === 'number') state.clockOffsetMs = body.offsetSeconds * 1000;
          else if (typeof body.advanceSeconds === 'number') state.clockOffsetMs += body.advanceSeconds * 1000;
          else return json(400, { error: 'body needs offsetSeconds or advanceSeconds (number)' });
          ctx.persist();
          return json(200, { now: new Date(ctx.now()).toISOString(), offsetMs: state.clockOffsetMs });
        }
        case 'GET slack':
          return json(200, { messages: state.slack });
        case 'DELETE slack':
          state.slack = [];
          return json(200, { cleared: true });
        case 'POST slack':
          return slack(req, rest);
        case 'POST slack-click':
          // Slack, pressing a button on a message the sink received (./slack-click.ts).
          return json(200, await click(parseClickRequest(parseJson(req.body)), { messages: state.slack, baseUrl: ctx.baseUrl, nowMs: ctx.now() }));
        case 'POST slack-command': {
          // Slack, sending a slash command a person typed (./slack-click.ts); the answer shows in
          // Slack as a message (its path /commands/<n>), whose buttons /_sim/slack-click presses.
          const answer = await command(parseCommandRequest(parseJson(req.body)), { baseUrl: ctx.baseUrl, nowMs: ctx.now() });
          let shown: unknown;
          try {
            shown = JSON.parse(answer.body);
          } catch {
            shown = undefined;
          }
          if (answer.status === 200 && shown !== undefined) {
            slackSeq += 1;
            state.slack.push({ seq: slackSeq, time: new Date(ctx.now()).toISOString(), path: new URL(answer.responseUrl).pathname.replace(/^\/_sim\/slack/, ''), status: 200, body: shown });
            ctx.persist();
          }
          return json(200, { ...answer, ...(shown !== undefined && answer.status === 200 ? { messageSeq: slackSeq } : {}) });
        }
        default: {
          const module = services[area];
          // A probe gets the home world; one that stands for a resource of any account finds it there.
          if (module?.probe) return await module.probe(`/${rest.join('/')}`, req, ctx);
          return json(404, { error: `no admin route ${req.method} /_sim/${area}` });
        }
      }
    } catch (error) {
      if (error instanceof AdminInputError) return json(400, { error: error.message });
      throw error;
    }
  }

  function addFault(body: unknown) {
    const spec = body as Partial<FaultSpec> & { racingWriter?: RacingWriterSpec };
    if (spec.racingWriter) {
      const r = spec.racingWriter;
      if (typeof r.keyGroupId !== 'string' || (!r.addPublicKeyId && !r.removePublicKeyId)) {
        throw new AdminInputError('racingWriter needs keyGroupId and addPublicKeyId or removePublicKeyId');
      }
      return { racingWriter: faults.addRacingWriter(r) };
    }
    if (typeof spec.operation !== 'string') throw new AdminInputError('fault needs operation (string, or "*")');
    if (!spec.error && !spec.throttle && !spec.latencyMs) {
      throw new AdminInputError('fault needs error {code, status}, throttle: true, or latencyMs');
    }
    if (spec.error && (typeof spec.error.code !== 'string' || typeof spec.error.status !== 'number')) {
      throw new AdminInputError('fault error needs code (string) and status (number)');
    }
    return { rule: faults.add(spec as FaultSpec) };
  }

  /** Slack incoming-webhook sink: records the message and answers like Slack (`ok`). */
  function slack(req: SimRequest, rest: string[]): SimResponse {
    const fault = faults.take('slack', 'PostMessage');
    const status = fault.error?.error?.status ?? (fault.error?.throttle ? 429 : 200);
    let body: unknown;
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch {
      body = req.body.toString('utf8');
    }
    slackSeq += 1;
    state.slack.push({ seq: slackSeq, time: new Date(ctx.now()).toISOString(), path: `/${rest.join('/')}`, status, body });
    ctx.persist();
    if (status !== 200) {
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (status === 429) headers['retry-after'] = '1';
      return { status, headers, body: fault.error?.error?.code ?? 'rate_limited' };
    }
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4566, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  ctx.baseUrl = url;

  return {
    url,
    port,
    get state() {
      return state;
    },
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}


function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw new AdminInputError('body is not valid JSON');
  }
}

function loadState(options: SimulatorOptions): SimState {
  if (options.stateFile && existsSync(options.stateFile)) {
    return restore(JSON.parse(readFileSync(options.stateFile, 'utf8')) as Partial<SimState>);
  }
  return emptyState(options.accountId, options.region);
}

function internal(error: unknown): AwsError {
  process.stderr.write(`keyturn simulator: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return new AwsError('InternalFailure', 500, 'simulator internal error');
}

/** The body, or undefined once it passes `limit` bytes (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

function toSimRequest(req: IncomingMessage, body: Buffer): SimRequest {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const rawPath = q === -1 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
  const auth = req.headers.authorization ?? '';
  const match = CREDENTIAL.exec(auth) ?? CREDENTIAL.exec(query.get('X-Amz-Credential') ? `Credential=${query.get('X-Amz-Credential')}` : '');
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // Leave a malformed escape as sent; the service answers with its own error.
  }
  return {
    method: req.method ?? 'GET',
    path,
    rawPath,
    query,
    rawQuery: q === -1 ? '' : raw.slice(q + 1),
    headers: req.headers,
    body,
    signingService: match?.[3],
    signingRegion: match?.[2],
    accessKeyId: match?.[1],
  };
}

function callerOf(req: SimRequest): string | undefined {
  const ua = `${req.headers['x-amz-user-agent'] ?? ''} ${req.headers['user-agent'] ?? ''}`;
  return /(?:^|\s)fn\/([A-Za-z0-9_.-]+)/.exec(ua)?.[1];
}

function errorCodeOf(out: SimResponse): string | undefined {
  const header = out.headers?.['x-amzn-errortype'];
  if (header) return header.split(':')[0];
  const body = typeof out.body === 'string' ? out.body : out.body?.toString('utf8') ?? '';
  const xmlCode = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  if (xmlCode) return xmlCode;
  try {
    const parsed = JSON.parse(body) as { __type?: string; code?: string };
    const type = parsed.__type ?? parsed.code;
    return type?.split('#').pop();
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, out: SimResponse, nowMs: number = Date.now()): void {
  const body = out.body ?? '';
  // The Date header says the simulator's time, as AWS's says AWS's: the SDKs correct their clock
  // skew from it (and retry an error they think skew caused), so it must agree with the world's clock.
  const headers: Record<string, string> = { 'x-amzn-requestid': cryptoRandomId(), date: new Date(nowMs).toUTCString(), ...(out.headers ?? {}) };
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(out.status, headers);
  res.end(body);
}

function cryptoRandomId(): string {
  return globalThis.crypto.randomUUID();
}
