/**
 * Which IAM failures are worth retrying from the state machine, once the SDK's own retries
 * (throttling, 5xx) are spent. Translated where IAM is called, nowhere else.
 */
import { IAMServiceException, ServiceFailureException } from '@aws-sdk/client-iam';
import { TransientAwsError } from '../errors';

export function translateTransientIamError(error: unknown, operation: string): unknown {
  if (error instanceof ServiceFailureException) {
    return new TransientAwsError(`IAM ${operation} failed on the service side`, { cause: error });
  }
  if (error instanceof IAMServiceException) {
    const status = error.$metadata.httpStatusCode ?? 0;
    if (error.name === 'Throttling' || error.name === 'ThrottlingException' || status >= 500) {
      return new TransientAwsError(`IAM ${operation} still failing after SDK retries (${error.name})`, { cause: error });
    }
  }
  return error;
}
