/**
 * Credentials for acting in a target's account: AssumeRole once, when a client first signs a
 * request, kept until five minutes before they expire. One provider per Task invocation, so every
 * session is named after the execution it works for (CloudTrail in the target account shows which
 * run did what) and no credentials outlive the invocation in a warm container.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { KeyturnError, TransientAwsError } from '../errors';

const REFRESH_BEFORE_MS = 5 * 60_000;

export class AssumeRoleFailedError extends KeyturnError {
  override name = 'AssumeRoleFailedError' as const;
  constructor(
    readonly roleArn: string,
    readonly awsError: string,
    options?: { cause?: unknown },
  ) {
    super(`could not assume ${roleArn} (${awsError}): check the role exists and its trust policy names keyturn's function role`, options);
  }
}

export function assumeRoleCredentials(
  sts: Pick<STSClient, 'send'>,
  roleArn: string,
  sessionName: string,
  now: () => number = Date.now,
): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  let expiresAt = 0;
  return () => {
    if (!current || expiresAt - REFRESH_BEFORE_MS <= now()) {
      current = assume().catch((error: unknown) => {
        current = undefined;
        throw error;
      });
    }
    return current;
  };

  async function assume(): Promise<AwsCredentialIdentity> {
    let out;
    try {
      out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
    } catch (error) {
      const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (name === 'Throttling' || ($metadata?.httpStatusCode ?? 0) >= 500) {
        throw new TransientAwsError(`AssumeRole ${roleArn} failed (${name}), retryable`, { cause: error });
      }
      throw new AssumeRoleFailedError(roleArn, name ?? 'unknown error', { cause: error });
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new AssumeRoleFailedError(roleArn, 'no credentials in the answer');
    }
    expiresAt = c.Expiration.getTime();
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  }
}
