/**
 * The awsJson protocols (1.0 and 1.1), shared by the services that speak them (Lightsail,
 * Secrets Manager, Step Functions): routing by `X-Amz-Target: <prefix><Operation>`, a body that
 * must be a JSON object, responses in the protocol's content type, `{ __type, message }` errors
 * and timestamps as epoch seconds.
 */
import { AwsError, json, type ServiceModule, type SimRequest, type SimResponse } from './protocol';

export type JsonInput = Record<string, unknown>;

export type AwsJsonVersion = '1.0' | '1.1';

function amzTarget(req: SimRequest): string {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' ? target : '';
}

/** `matches` and `operation` of a service routed by `X-Amz-Target: <targetPrefix><Operation>`. */
export function routeByTarget(targetPrefix: string, operations: ReadonlySet<string>): Pick<ServiceModule, 'matches' | 'operation'> {
  return {
    matches: (req) => amzTarget(req).startsWith(targetPrefix),
    operation(req) {
      const target = amzTarget(req);
      const operation = target.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : '';
      if (!operations.has(operation)) {
        throw new AwsError('UnknownOperationException', 400, `operation ${target || '(no X-Amz-Target)'} is not simulated`);
      }
      return operation;
    },
  };
}

/** The request body: a JSON object (an empty body is `{}`), else SerializationException. */
export function readJsonInput(req: SimRequest): JsonInput {
  const text = req.body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as JsonInput;
  } catch {
    // fall through
  }
  throw new AwsError('SerializationException', 400, 'The request body is not a JSON object.');
}

export function awsJson(version: AwsJsonVersion, status: number, value: unknown): SimResponse {
  return json(status, value, { 'content-type': `application/x-amz-json-${version}` });
}

/** The error body most awsJson services return; the SDK reads the code from `__type`. */
export function renderAwsJsonError(version: AwsJsonVersion, error: AwsError): SimResponse {
  return awsJson(version, error.status, { __type: error.code, message: error.message });
}

/** awsJson timestamps are epoch seconds. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
