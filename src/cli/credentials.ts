/**
 * The commands that call AWS (status, plan, run) check first that the SDK finds credentials, so a
 * new machine gets one line saying what is missing instead of a CredentialsProviderError stack
 * from the middle of a run.
 */
export class MissingCredentialsError extends Error {
  override name = 'MissingCredentialsError' as const;
  constructor(options?: { cause?: unknown }) {
    super(
      'no AWS credentials found (environment, profile, SSO, or a role of this machine). For AWS: aws sso login, or set AWS_PROFILE, ' +
        'or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. For the embedded simulator: start it (./bin/keyturn.js sim --demo), then ' +
        'export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test',
      options,
    );
  }
}

/** Resolves the SDK's default credential chain once; MissingCredentialsError when nothing in it answers. */
export async function requireCredentials(): Promise<void> {
  const { stsClient } = await import('../aws/clients');
  const client = stsClient();
  try {
    await client.config.credentials();
  } catch (error) {
    if ((error as Error)?.name === 'CredentialsProviderError') throw new MissingCredentialsError({ cause: error });
    throw error;
  } finally {
    client.destroy();
  }
}
