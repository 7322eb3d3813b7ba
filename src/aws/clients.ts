/**
 * The one place AWS SDK clients are built: region, retry mode, attempts and user agent.
 * Endpoints come from the SDK's own environment (`AWS_ENDPOINT_URL`,
 * `AWS_ENDPOINT_URL_<SERVICE>`), which is how local runs reach the simulator.
 *
 * One factory per client, imported by the handlers that use it (functions/<workflow>/<step>.ts
 * names its clients to its stepHandler), so a bundle only carries the clients its function uses.
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { IAMClient } from '@aws-sdk/client-iam';
import { LightsailClient } from '@aws-sdk/client-lightsail';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { AsyncLocalStorage } from 'node:async_hooks';
import { version } from '../version';
import { assumeRoleCredentials } from './assume-role';
import { sessionNameFor, type TargetAccount } from './target-account';

export interface ClientSettings {
  region: string;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  /** Appended to the user agent so calls can be attributed to a function (least-privilege checks). */
  caller?: string;
  /** Set for a client acting in a target's account (an assumed role); else the SDK's own chain. */
  credentials?: AwsCredentialIdentityProvider;
  /**
   * The target a Task works on, when it lives in another account or region
   * (src/aws/target-account.ts). Only the clients of the targets' own services act there.
   */
  target?: { account?: TargetAccount; executionName?: string };
}

export function clientSettings(env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const maxAttempts = Number(env.AWS_MAX_ATTEMPTS ?? 4);
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : 4,
    retryMode: env.AWS_RETRY_MODE === 'adaptive' ? 'adaptive' : 'standard',
    caller: env.KEYTURN_CALLER ?? env.AWS_LAMBDA_FUNCTION_NAME,
  };
}

/**
 * The function on whose behalf SDK calls are made, per async call chain. On Lambda it is unset
 * and the caller comes from the environment; the local runner runs many functions in one
 * process (concurrently, in Map and Parallel states), so it scopes each invocation with
 * `runAsCaller` and every request made inside is attributed to that function.
 */
const callerScope = new AsyncLocalStorage<string>();

export function runAsCaller<T>(caller: string, fn: () => T): T {
  return callerScope.run(caller, fn);
}

function common(settings: ClientSettings) {
  return {
    region: settings.region,
    maxAttempts: settings.maxAttempts,
    retryMode: settings.retryMode,
    customUserAgent: [['keyturn', version]] as [string, string][],
    ...(settings.credentials && { credentials: settings.credentials }),
  };
}

interface MiddlewareStackLike {
  addRelativeTo(
    middleware: (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>,
    options: { relation: 'after'; toMiddleware: string; name: string },
  ): void;
}

/**
 * Appends `fn/<caller>` to the user agent of each request, resolved when the request is made
 * (not when the client is built), so a client built at module scope is still attributed right.
 */
function attributed<C extends { middlewareStack: unknown }>(client: C, settings: ClientSettings): C {
  (client.middlewareStack as MiddlewareStackLike).addRelativeTo(
    (next) => async (args) => {
      const caller = callerScope.getStore() ?? settings.caller;
      const headers = (args.request as { headers?: Record<string, string> } | undefined)?.headers;
      if (caller && headers) {
        const token = `fn/${caller.replace(/[^A-Za-z0-9_.-]/g, '-')}#${version}`;
        for (const name of ['x-amz-user-agent', 'user-agent']) {
          if (headers[name] !== undefined) headers[name] = `${headers[name]} ${token}`;
        }
      }
      return next(args);
    },
    { relation: 'after', toMiddleware: 'getUserAgentMiddleware', name: 'keyturnCallerUserAgent' },
  );
  return client;
}

/**
 * The settings of a client of a target's own service: the target's region, and the role assumed
 * there with a session named after the execution (STS is called in keyturn's own region, with
 * keyturn's own credentials). Without a target account or region, `s` itself.
 */
function inTarget(s: ClientSettings): ClientSettings {
  const account = s.target?.account;
  if (!account?.roleArn && !account?.region) return s;
  const home = { ...s, target: undefined };
  return {
    ...home,
    region: account.region ?? s.region,
    ...(account.roleArn && { credentials: assumeRoleCredentials(stsClient(home), account.roleArn, sessionNameFor(s.target?.executionName)) }),
  };
}

function targetClient<C extends { middlewareStack: unknown }>(make: (config: ReturnType<typeof common>) => C) {
  return (s: ClientSettings = clientSettings()): C => {
    const settings = inTarget(s);
    return attributed(make(common(settings)), settings);
  };
}

// The targets' own services: they act in the target's account and region. (`@__PURE__`: a
// bundle that does not name one leaves its SDK client out.)
export const cloudFrontClient = /* @__PURE__ */ targetClient((c) => new CloudFrontClient(c));
export const iamClient = /* @__PURE__ */ targetClient((c) => new IAMClient(c));
export const apiGatewayClient = /* @__PURE__ */ targetClient((c) => new APIGatewayClient(c));
export const lightsailClient = /* @__PURE__ */ targetClient((c) => new LightsailClient(c));
// keyturn's own credential store, Slack webhook and expiry memory: always its own account and region.
export const secretsManagerClient = (s: ClientSettings = clientSettings()) => attributed(new SecretsManagerClient(common(s)), s);

/**
 * An S3 client that signs with a Lightsail bucket access key (not the function's role), for a
 * bucket in `region`. On AWS the SDK resolves the bucket's own endpoint,
 * `https://<bucket>.s3.<region>.amazonaws.com` (virtual-hosted); when an endpoint is configured
 * (`AWS_ENDPOINT_URL[_S3]`: the simulator, LocalStack) requests go path-style to it.
 */
export function s3BucketClient(
  options: { region: string; credentials: { accessKeyId: string; secretAccessKey: string } },
  s: ClientSettings = clientSettings(),
  env: NodeJS.ProcessEnv = process.env,
): S3Client {
  const endpointConfigured = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true' && Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
  return attributed(
    new S3Client({ ...common(s), region: options.region, credentials: options.credentials, forcePathStyle: endpointConfigured }),
    s,
  );
}
export const sfnClient = (s: ClientSettings = clientSettings()) => attributed(new SFNClient(common(s)), s);
export const stsClient = (s: ClientSettings = clientSettings()) => attributed(new STSClient(common(s)), s);
