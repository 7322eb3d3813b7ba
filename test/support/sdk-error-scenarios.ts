/**
 * SDK errors as keyturn sees them, for test/bundle-errors.test.ts: the test injects each
 * scenario's error on the simulator (`/_sim/faults`), runs the scenario once through this module
 * as the SDK in node_modules has it and once through its Lambda bundle (scripts/esbuild-options.json,
 * whose plugins keep the registrations of only the error classes keyturn names), and compares.
 *
 * A scenario calls keyturn's own code where keyturn singles an error out (what it returns or
 * throws is the point) and a bare command otherwise. Each client makes one attempt, so an
 * injected error is the answer, not a retry.
 */
import { APIGatewayClient, GetClientCertificateCommand, APIGatewayServiceException, NotFoundException as ApiGatewayNotFound, TooManyRequestsException } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient, CloudFrontServiceException, GetPublicKeyCommand, NoSuchPublicKey, NoSuchResource } from '@aws-sdk/client-cloudfront';
import { GetServerCertificateCommand, IAMClient, IAMServiceException, ListServerCertificatesCommand, NoSuchEntityException, ServiceFailureException } from '@aws-sdk/client-iam';
import { GetBucketAccessKeysCommand, LightsailClient, LightsailServiceException, NotFoundException as LightsailNotFound } from '@aws-sdk/client-lightsail';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient, SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { getPublicKey } from '../../src/cloudfront/public-keys';
import { readKeyGroup } from '../../src/cloudfront/key-group';

export interface Scenario {
  /** Service and operation as the simulator names them (`/_sim/faults`). */
  service: string;
  operation: string;
  /** The error the simulator answers with, rendered in the service's own protocol. */
  code: string;
  status: number;
  run: () => Promise<unknown>;
}

export interface ErrorSeen {
  name: string;
  message: string;
  fault?: string;
  status?: number;
  /** Is it the service's exception (its base class, which every SDK error of it extends)? */
  serviceException: boolean;
  /** The classes keyturn imports (and so tells apart) that it is an instance of. */
  instanceOf: string[];
  cause?: ErrorSeen;
}

const once = { maxAttempts: 1 };
const cloudFront = () => new CloudFrontClient(once);
const secrets = () => new SecretsManagerClient(once);

/** Each service's base exception and the classes keyturn's source imports from it. */
const CLASSES: Record<string, { base: abstract new (...args: never[]) => Error; named: Record<string, abstract new (...args: never[]) => Error> }> = {
  cloudfront: { base: CloudFrontServiceException, named: { NoSuchPublicKey, NoSuchResource } },
  secretsmanager: { base: SecretsManagerServiceException, named: { ResourceNotFoundException } },
  apigateway: { base: APIGatewayServiceException, named: { NotFoundException: ApiGatewayNotFound, TooManyRequestsException } },
  lightsail: { base: LightsailServiceException, named: { NotFoundException: LightsailNotFound } },
  iam: { base: IAMServiceException, named: { NoSuchEntityException, ServiceFailureException } },
  sts: { base: STSServiceException, named: {} },
};

export const SCENARIOS: Scenario[] = [
  // CloudFront (restXml): keyturn's readKeyGroup and getPublicKey, then codes keyturn does not name.
  { service: 'cloudfront', operation: 'GetKeyGroup', code: 'NoSuchResource', status: 404, run: () => readKeyGroup(cloudFront(), 'KG1') },
  { service: 'cloudfront', operation: 'GetPublicKey', code: 'NoSuchPublicKey', status: 404, run: () => getPublicKey(cloudFront(), 'K1') },
  { service: 'cloudfront', operation: 'GetKeyGroup', code: 'Throttling', status: 400, run: () => readKeyGroup(cloudFront(), 'KG1') },
  { service: 'cloudfront', operation: 'GetPublicKey', code: 'InvalidArgument', status: 400, run: () => cloudFront().send(new GetPublicKeyCommand({ Id: 'K1' })) },
  { service: 'cloudfront', operation: 'GetPublicKey', code: 'AccessDenied', status: 403, run: () => cloudFront().send(new GetPublicKeyCommand({ Id: 'K1' })) },
  // Secrets Manager (awsJson1_1).
  { service: 'secretsmanager', operation: 'GetSecretValue', code: 'ResourceNotFoundException', status: 400, run: () => secrets().send(new GetSecretValueCommand({ SecretId: 's' })) },
  { service: 'secretsmanager', operation: 'GetSecretValue', code: 'DecryptionFailure', status: 400, run: () => secrets().send(new GetSecretValueCommand({ SecretId: 's' })) },
  { service: 'secretsmanager', operation: 'GetSecretValue', code: 'InvalidRequestException', status: 400, run: () => secrets().send(new GetSecretValueCommand({ SecretId: 's' })) },
  // API Gateway (restJson).
  ...(['NotFoundException:404', 'TooManyRequestsException:429', 'BadRequestException:400', 'UnauthorizedException:401'] as const).map((c) => {
    const [code, status] = c.split(':') as [string, string];
    return { service: 'apigateway', operation: 'GetClientCertificate', code, status: Number(status), run: () => new APIGatewayClient(once).send(new GetClientCertificateCommand({ clientCertificateId: 'c1' })) };
  }),
  // Lightsail (awsJson1_1).
  ...['NotFoundException', 'AccessDeniedException', 'AccountSetupInProgressException'].map((code) => ({
    service: 'lightsail',
    operation: 'GetBucketAccessKeys',
    code,
    status: 400,
    run: () => new LightsailClient(once).send(new GetBucketAccessKeysCommand({ bucketName: 'b' })),
  })),
  // IAM and STS (awsQuery): the wire code is not the class's name (NoSuchEntity: NoSuchEntityException).
  { service: 'iam', operation: 'GetServerCertificate', code: 'NoSuchEntity', status: 404, run: () => new IAMClient(once).send(new GetServerCertificateCommand({ ServerCertificateName: 'c' })) },
  { service: 'iam', operation: 'GetServerCertificate', code: 'ServiceFailure', status: 500, run: () => new IAMClient(once).send(new GetServerCertificateCommand({ ServerCertificateName: 'c' })) },
  { service: 'iam', operation: 'ListServerCertificates', code: 'InvalidInput', status: 400, run: () => new IAMClient(once).send(new ListServerCertificatesCommand({})) },
  { service: 'sts', operation: 'AssumeRole', code: 'RegionDisabledException', status: 403, run: () => new STSClient(once).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/r', RoleSessionName: 's' })) },
  { service: 'sts', operation: 'AssumeRole', code: 'AccessDenied', status: 403, run: () => new STSClient(once).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/r', RoleSessionName: 's' })) },
];

function seen(error: unknown, service: string): ErrorSeen {
  const e = error as Error & { $fault?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  const { base, named } = CLASSES[service]!;
  return {
    name: e.name,
    message: e.message,
    ...(e.$fault ? { fault: e.$fault } : {}),
    ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}),
    serviceException: error instanceof base,
    instanceOf: Object.entries(named).filter(([, c]) => error instanceof c).map(([name]) => name),
    ...(e.cause ? { cause: seen(e.cause, service) } : {}),
  };
}

/** Runs scenario `index`: what it returned (`{ returned }`) or what it threw. */
export async function runScenario(index: number): Promise<{ returned: unknown } | { threw: ErrorSeen }> {
  const scenario = SCENARIOS[index]!;
  try {
    return { returned: (await scenario.run()) ?? null };
  } catch (error) {
    return { threw: seen(error, scenario.service) };
  }
}
