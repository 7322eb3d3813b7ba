/**
 * What every simulated service plugs into. The simulator is the referee: nothing here imports
 * from the rest of src/ or from functions/ (docs/design.md), and behaviour comes from
 * aws-facts.md, never from what keyturn's workflows happen to send.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { SimState } from './state';
import type { Faults } from './faults';

export interface SimRequest {
  method: string;
  /** Path without the query string, percent-decoded per segment by the service if it needs to. */
  path: string;
  /** Raw path as received (percent-encoded), for signature checks. */
  rawPath: string;
  query: URLSearchParams;
  /** Raw query string as received (percent-encoded, without the `?`), for signature checks. */
  rawQuery?: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The SigV4 credential scope's service, when the request is signed. */
  signingService?: string;
  /** The access key id from the SigV4 Authorization header, when signed. */
  accessKeyId?: string;
  /** The SigV4 credential scope's region, when signed. */
  signingRegion?: string;
  /** Who signed the request, resolved by the server from the access key (STS sessions included). */
  principal?: Principal;
}

/**
 * The caller of a request. Credentials the simulator did not issue belong to its own account
 * (the "home" account every existing test and the demo use); credentials from AssumeRole belong
 * to the role's account.
 */
export interface Principal {
  accountId: string;
  arn: string;
  userId: string;
  assumedRole?: { roleArn: string; sessionName: string };
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * An AWS error as the service would return it. `code` is the error code the SDK turns into the
 * exception name; `status` the HTTP status AWS uses for it.
 */
export class AwsError extends Error {
  override name = 'AwsError';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly extra: { retryAfterSeconds?: number; senderFault?: boolean } = {},
  ) {
    super(message);
  }
}

export interface SimContext {
  /**
   * The world the request acts in: the caller's account, in the signing region (global services:
   * the simulator's home region). `state.accountId` and `state.region` name it.
   */
  state: SimState;
  /** The simulator's own account and region: the root of the whole simulated state. */
  home: SimState;
  faults: Faults;
  /** The simulator's clock (ms since epoch); admin `/_sim/clock` can shift it. */
  now(): number;
  /** Persist state (when `--state` is set); call after every write. */
  persist(): void;
  /** Base URL the simulator is reachable at, e.g. `http://127.0.0.1:4566`. */
  baseUrl: string;
}

export interface ServiceModule {
  /** Service name as recorded in `/_sim/calls` (cloudfront, iam, apigateway, lightsail, secretsmanager, s3, sts). */
  readonly service: string;
  /**
   * Where its data lives: `regional` (default) per account and signing region; `global`
   * (CloudFront, IAM) per account; `home` always in the simulator's own world (STS: roles and
   * sessions span accounts).
   */
  readonly scope?: 'regional' | 'global' | 'home';
  /**
   * The account and region a request acts in, when the caller's credentials do not say it (S3:
   * a Lightsail bucket access key belongs to the account and region of its bucket).
   */
  locate?(req: SimRequest, worlds: readonly SimState[]): { accountId: string; region: string } | undefined;
  /** Whether this module owns the request (checked in registration order after the signing-service lookup). */
  matches(req: SimRequest): boolean;
  /** The operation name (AWS's, e.g. `UpdateKeyGroup`), or throws the service's own unknown-operation AwsError. */
  operation(req: SimRequest): string;
  handle(operation: string, req: SimRequest, ctx: SimContext): SimResponse | Promise<SimResponse>;
  /** Renders an AwsError in this service's wire protocol (restXml, awsQuery, restJson, awsJson1_1). */
  renderError(error: AwsError, req: SimRequest): SimResponse;
  /** The error this service returns when throttled (each service has its own code and status). */
  throttlingError(): AwsError;
  /**
   * Consumer stand-ins under `/_sim/<service>/...` (signed-URL check, mTLS check). `subpath` is
   * what follows `/_sim/<service>`. Not recorded as AWS calls.
   */
  probe?(subpath: string, req: SimRequest, ctx: SimContext): SimResponse | Promise<SimResponse>;
  /**
   * The ARN of the resource this call touched, as IAM would authorize it, when the service can
   * tell (asked after the call, so a created resource is known). Recorded as the call's `resource`.
   */
  resourceOf?(operation: string, req: SimRequest, ctx: SimContext): string | undefined;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function xml(status: number, body: string, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': 'text/xml', ...headers }, body };
}

let requestCounter = 0;
/** A request id in AWS's UUID shape. */
export function requestId(): string {
  requestCounter += 1;
  const hex = (requestCounter.toString(16) + Math.random().toString(16).slice(2)).padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** An admin request (`/_sim/…`) the simulator cannot act on: answered 400 with the message. */
export class AdminInputError extends Error {}
