/**
 * The Slack interactivity endpoint, behind a Lambda Function URL (auth NONE: Slack signs every
 * request, and src/interactivity/endpoint.ts verifies the signature before reading anything).
 * Its collaborators are built once per container; the signing secret is read from Secrets
 * Manager at the first request and kept for five minutes, so a rotated secret takes effect soon.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { secretsManagerClient, sfnClient } from '../../src/aws/clients';
import { webhookUrlPrefixes } from '../../src/config/function-environment';
import { slackEndpointEnvironment } from '../../src/config/slack-endpoint-environment';
import { handleSlackRequest, type EndpointDeps } from '../../src/interactivity/endpoint';
import type { FunctionUrlRequest } from '../../src/interactivity/slack-request';
import { httpFetch, now, sleep } from '../../src/lambda/runtime';
import { logger } from '../../src/logger';
import { translateSecretsError } from '../../src/secrets/credential-store';

const SECRET_TTL_MS = 5 * 60_000;

let deps: EndpointDeps | undefined;

function build(): EndpointDeps {
  const { signingSecretId: secretId, stage, access, targets } = slackEndpointEnvironment();
  const secrets = secretsManagerClient();
  let cached: { value: string; readAt: number } | undefined;
  return {
    states: sfnClient(),
    secrets,
    async signingSecret() {
      if (cached && Date.now() - cached.readAt < SECRET_TTL_MS) return cached.value;
      try {
        const value = (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString?.trim() ?? '';
        if (!value) throw new Error(`secret ${secretId} holds no signing secret`);
        cached = { value, readAt: Date.now() };
        return value;
      } catch (error) {
        throw translateSecretsError(error, secretId);
      }
    },
    access,
    targets,
    stage,
    responseUrlPrefixes: webhookUrlPrefixes(),
    fetch: httpFetch,
    sleep,
    now,
    log: logger,
  };
}

export const handler = async (event: FunctionUrlRequest, context?: Parameters<typeof logger.addContext>[0]) => {
  if (context) logger.addContext(context);
  deps ??= build();
  return handleSlackRequest(deps, event);
};
