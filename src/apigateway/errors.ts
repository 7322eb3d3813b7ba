/**
 * API Gateway errors keyturn throws. Names are string literals (ASL Retry/Catch match them);
 * messages carry ids only. SDK exceptions are translated here, where API Gateway is called.
 */
import { LimitExceededException, NotFoundException, TooManyRequestsException } from '@aws-sdk/client-api-gateway';
import { KeyturnError, QuotaExceededError, TransientAwsError } from '../errors';

/**
 * API Gateway kept answering TooManyRequestsException after the SDK's own retries (which wait
 * at least the Retry-After the service sends). The state machine retries it with a longer,
 * jittered interval; `retryAfterSeconds` is the service's last hint, for the operator.
 */
export class ApiGatewayThrottledError extends KeyturnError {
  override name = 'ApiGatewayThrottledError' as const;
  readonly retryAfterSeconds?: number;
  constructor(what: string, retryAfterSeconds: number | undefined, options?: { cause?: unknown }) {
    super(`api gateway throttled ${what}${retryAfterSeconds !== undefined ? ` (Retry-After ${retryAfterSeconds} s)` : ''}`, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface StageCertificate {
  stageName: string;
  clientCertificateId: string | null;
}

/**
 * The API's stages do not all present one client certificate (or some present none), and the
 * input did not name the stages to rotate: keyturn will not guess which ones belong together.
 */
export class MixedStageCertificatesError extends KeyturnError {
  override name = 'MixedStageCertificatesError' as const;
  readonly restApiId: string;
  readonly stages: StageCertificate[];
  constructor(restApiId: string, stages: StageCertificate[]) {
    const list = stages.map((s) => `${s.stageName}: ${s.clientCertificateId ?? 'none'}`).join(', ');
    super(`stageNames: the stages of REST API ${restApiId} do not share one client certificate (${list}); name the stages to rotate in stageNames`);
    this.restApiId = restApiId;
    this.stages = stages;
  }
}

/** GetStage after UpdateStage does not show the certificate we set. */
export class StageSwitchNotVerifiedError extends KeyturnError {
  override name = 'StageSwitchNotVerifiedError' as const;
  readonly restApiId: string;
  readonly stageName: string;
  constructor(restApiId: string, stageName: string, expected: string, actual: string | null) {
    super(`stage ${restApiId}/${stageName} presents ${actual ?? 'no certificate'} after switching to ${expected}`);
    this.restApiId = restApiId;
    this.stageName = stageName;
  }
}

export const isNotFound = (error: unknown): boolean => error instanceof NotFoundException;

/**
 * Throttling (after the SDK's retries) → ApiGatewayThrottledError; 5xx → TransientAwsError;
 * LimitExceededException (the 60-certificate quota, raced past our own check) → QuotaExceededError.
 * Everything else is returned unchanged.
 */
export function translateApiGatewayError(error: unknown, what: string): unknown {
  if (error instanceof TooManyRequestsException) {
    const retryAfter = Number(error.retryAfterSeconds);
    return new ApiGatewayThrottledError(what, Number.isFinite(retryAfter) ? retryAfter : undefined, { cause: error });
  }
  if (error instanceof LimitExceededException) {
    return new QuotaExceededError(`api gateway refused ${what}: ${error.message}`, { cause: error });
  }
  const name = (error as { name?: string })?.name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 0;
  if (/Throttl|ServiceUnavailable|InternalFailure|InternalError/.test(name) || status >= 500) {
    return new TransientAwsError(`api gateway: ${name} during ${what}`, { cause: error });
  }
  return error;
}

/** Runs one SDK call, translating its failure. */
export async function apiCall<T>(what: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw translateApiGatewayError(error, what);
  }
}
