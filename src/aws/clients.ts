/**
 * The one place AWS SDK clients are built: region, retry mode, attempts and user agent.
 * Endpoints come from the SDK's own environment (`AWS_ENDPOINT_URL`,
 * `AWS_ENDPOINT_URL_<SERVICE>`), which is how local runs reach the simulator.
 *
 * One factory per client so a bundle only carries the clients its function uses.
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { IAMClient } from '@aws-sdk/client-iam';
import { LightsailClient } from '@aws-sdk/client-lightsail';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { version } from '../version';

export interface ClientSettings {
  region: string;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  /** Appended to the user agent so calls can be attributed to a function (least-privilege checks). */
  caller?: string;
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

function common(settings: ClientSettings) {
  const userAgent: [string, string][] = [['keyturn', version]];
  if (settings.caller) userAgent.push([`fn/${settings.caller}`, version]);
  return {
    region: settings.region,
    maxAttempts: settings.maxAttempts,
    retryMode: settings.retryMode,
    customUserAgent: userAgent,
  };
}

export const cloudFrontClient = (s: ClientSettings = clientSettings()) => new CloudFrontClient(common(s));
export const secretsManagerClient = (s: ClientSettings = clientSettings()) => new SecretsManagerClient(common(s));
export const iamClient = (s: ClientSettings = clientSettings()) => new IAMClient(common(s));
export const apiGatewayClient = (s: ClientSettings = clientSettings()) => new APIGatewayClient(common(s));
export const lightsailClient = (s: ClientSettings = clientSettings()) => new LightsailClient(common(s));
