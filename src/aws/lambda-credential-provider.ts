/**
 * What `@aws-sdk/credential-provider-node` becomes in the Lambda bundles (an esbuild `alias` in
 * scripts/esbuild-options.json): credentials from the environment only.
 *
 * Why: every SDK client's runtime config imports the default chain statically (env, SSO, INI
 * profiles, process, web identity, ECS/IMDS, plus the STS and SSO clients they call), so passing
 * `credentials` does not let esbuild drop it: ~130 KB of each bundle, parsed at every cold start.
 * Lambda always hands a function its role's credentials in AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, so on Lambda the chain ends at its first link.
 * Local runs (runner, CLI, tests) import the handlers from source and keep the full chain, so
 * profiles and SSO still work there.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

type FromEnvInit = Parameters<typeof fromEnv>[0];

export const defaultProvider = (init: FromEnvInit = {}) => fromEnv(init);

