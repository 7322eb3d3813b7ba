/**
 * Invokes a handler from functions/ the way Lambda would: JSON in, JSON out, a Lambda context,
 * and a thrown error reported as Lambda reports it (`errorType` is the error's `name`, which is
 * what ASL Retry/Catch match). Every SDK call the handler makes is attributed to its function
 * (`fn/<functionKey>` in the user agent) even when several run at once.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { runAsCaller } from '../aws/clients';
import { LOCAL_ACCOUNT_ID, WorkflowDefinitionError, type FunctionConfig } from './runner-workflow';

/** The fields of the Lambda context object handlers (and Powertools) read. */
export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  getRemainingTimeInMillis(): number;
  done(): void;
  fail(): void;
  succeed(): void;
}

type Handler = (event: unknown, context: LambdaContext) => unknown;

export function localFunctionName(fn: FunctionConfig): string {
  return `keyturn-local-${fn.key}`;
}

export function localFunctionArn(fn: FunctionConfig, region: string): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${localFunctionName(fn)}`;
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

async function loadHandler(fn: FunctionConfig): Promise<Handler> {
  let loading = modules.get(fn.file);
  if (!loading) {
    // The module is imported inside the caller scope, so calls made at import time are attributed too.
    loading = runAsCaller(fn.key, () => import(pathToFileURL(fn.file).href) as Promise<Record<string, unknown>>);
    modules.set(fn.file, loading);
    loading.catch(() => modules.delete(fn.file));
  }
  const handler = (await loading)[fn.exportName];
  if (typeof handler !== 'function') throw new WorkflowDefinitionError(`${fn.file} does not export a function '${fn.exportName}' (functions.${fn.key}.handler is '${fn.handler}')`);
  return handler as Handler;
}

function lambdaContext(fn: FunctionConfig, region: string): LambdaContext {
  const deadline = Date.now() + fn.timeoutSeconds * 1000;
  const requestId = randomUUID();
  const functionName = localFunctionName(fn);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(fn, region),
    memoryLimitInMB: String(fn.memorySize),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${requestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * A handler's failure as Step Functions sees a Lambda function error: `Error` is the
 * `errorType` (the thrown error's `name`) and `Cause` is the JSON Lambda returns, so states
 * that catch it see the same `{ Error, Cause }` locally as on AWS.
 */
export class LambdaFunctionError extends Error {
  readonly errorType: string;
  readonly errorMessage: string;
  constructor(errorType: string, errorMessage: string) {
    super(JSON.stringify({ errorType, errorMessage }));
    this.name = errorType;
    this.errorType = errorType;
    this.errorMessage = errorMessage;
  }
}

function asLambdaError(error: unknown): LambdaFunctionError {
  if (error instanceof Error) return new LambdaFunctionError(error.name || 'Error', error.message);
  return new LambdaFunctionError('Error', String(error));
}

/** JSON in and out, as through Lambda's Invoke API (dates become strings, undefined goes). */
function viaJson(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

export async function invokeFunction(fn: FunctionConfig, event: unknown, region: string): Promise<unknown> {
  const handler = await loadHandler(fn);
  try {
    const output = await runAsCaller(fn.key, async () => handler(viaJson(event), lambdaContext(fn, region)));
    return viaJson(output);
  } catch (error) {
    throw asLambdaError(error);
  }
}
