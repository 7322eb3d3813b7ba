import { APIGatewayServiceException, BadRequestException, LimitExceededException, TooManyRequestsException } from '@aws-sdk/client-api-gateway';
import { describe, expect, it } from 'vitest';
import { QuotaExceededError, TransientAwsError } from '../../../src/errors';
import { ApiGatewayThrottledError, translateApiGatewayError } from '../../../src/apigateway/errors';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

describe('translateApiGatewayError', () => {
  it('turns TooManyRequestsException into ApiGatewayThrottledError carrying the Retry-After', () => {
    const out = translateApiGatewayError(new TooManyRequestsException({ message: 'slow down', retryAfterSeconds: '7', ...meta(429) }), 'UpdateStage');
    expect(out).toBeInstanceOf(ApiGatewayThrottledError);
    expect(out).toMatchObject({ name: 'ApiGatewayThrottledError', retryAfterSeconds: 7, message: expect.stringMatching(/UpdateStage.*Retry-After 7 s/) });
  });

  it('turns LimitExceededException (the certificate quota) into QuotaExceededError, not a retry', () => {
    const out = translateApiGatewayError(new LimitExceededException({ message: 'limit of 60', ...meta(429) }), 'GenerateClientCertificate');
    expect(out).toBeInstanceOf(QuotaExceededError);
    expect((out as Error).name).toBe('QuotaExceededError');
  });

  it('turns 5xx into TransientAwsError', () => {
    const out = translateApiGatewayError(new APIGatewayServiceException({ name: 'ServiceUnavailableException', $fault: 'server', message: 'x', ...meta(503) }), 'GetStages');
    expect(out).toBeInstanceOf(TransientAwsError);
  });

  it('leaves other errors as they are', () => {
    const error = new BadRequestException({ message: 'bad', ...meta(400) });
    expect(translateApiGatewayError(error, 'UpdateStage')).toBe(error);
  });
});
