/**
 * API Gateway client certificates: list (every page), read, generate, delete. GenerateClientCertificate
 * takes no idempotency token, so a rotation tags the certificate it makes with its own rotation
 * token and finds it again by that tag: a rerun after a crash adopts it instead of making another.
 */
import {
  DeleteClientCertificateCommand,
  GenerateClientCertificateCommand,
  GetClientCertificateCommand,
  GetClientCertificatesCommand,
  type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { QuotaExceededError } from '../errors';
import type { Log } from '../logger';
import { apiCall, isNotFound, translateApiGatewayError } from './errors';

export type ApiGatewayApi = Pick<APIGatewayClient, 'send'>;

/** API Gateway's quota of client certificates per account and region (aws-facts.md). */
export const MAX_CLIENT_CERTIFICATES = 60;

export interface ClientCertificate {
  clientCertificateId: string;
  description?: string;
  pemEncodedCertificate: string;
  /** ISO 8601. */
  expirationDate: string;
  tags: Record<string, string>;
}

type SdkCertificate = {
  clientCertificateId?: string;
  description?: string;
  pemEncodedCertificate?: string;
  expirationDate?: Date;
  tags?: Record<string, string>;
};

function toCertificate(c: SdkCertificate): ClientCertificate {
  return {
    clientCertificateId: c.clientCertificateId ?? '',
    ...(c.description !== undefined ? { description: c.description } : {}),
    pemEncodedCertificate: c.pemEncodedCertificate ?? '',
    expirationDate: (c.expirationDate ?? new Date(0)).toISOString(),
    tags: c.tags ?? {},
  };
}

export async function listClientCertificates(client: ApiGatewayApi): Promise<ClientCertificate[]> {
  const all: ClientCertificate[] = [];
  let position: string | undefined;
  do {
    const out = await apiCall('GetClientCertificates', () => client.send(new GetClientCertificatesCommand({ limit: 500, position })));
    all.push(...(out.items ?? []).map(toCertificate));
    position = out.position;
  } while (position);
  return all;
}

/** The certificate, or undefined when it does not exist. */
export async function getClientCertificate(client: ApiGatewayApi, clientCertificateId: string): Promise<ClientCertificate | undefined> {
  try {
    return toCertificate(await client.send(new GetClientCertificateCommand({ clientCertificateId })));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateApiGatewayError(error, `GetClientCertificate ${clientCertificateId}`);
  }
}

/** Certificates carrying `tags[key] === value`, oldest first. */
export async function findCertificatesTagged(client: ApiGatewayApi, key: string, value: string): Promise<ClientCertificate[]> {
  return (await listClientCertificates(client)).filter((c) => c.tags[key] === value);
}

/** Fails before the call when the account has no room (invariant 6): nothing is changed. */
export async function ensureCertificateRoom(client: ApiGatewayApi): Promise<{ count: number; limit: number }> {
  const count = (await listClientCertificates(client)).length;
  if (count >= MAX_CLIENT_CERTIFICATES) {
    throw new QuotaExceededError(
      `the account already holds ${count} of ${MAX_CLIENT_CERTIFICATES} API Gateway client certificates: delete unused ones before rotating`,
    );
  }
  return { count, limit: MAX_CLIENT_CERTIFICATES };
}

export async function generateClientCertificate(
  client: ApiGatewayApi,
  options: { description: string; tags: Record<string, string> },
  log: Log,
): Promise<ClientCertificate> {
  const out = await apiCall('GenerateClientCertificate', () =>
    client.send(new GenerateClientCertificateCommand({ description: options.description, tags: options.tags })),
  );
  const certificate = toCertificate(out);
  log.info('client certificate generated', { clientCertificateId: certificate.clientCertificateId, expirationDate: certificate.expirationDate });
  return certificate;
}

/** Deletes the certificate; 'already-gone' when it did not exist. The caller checks no stage uses it. */
export async function deleteClientCertificate(client: ApiGatewayApi, clientCertificateId: string, log: Log): Promise<'deleted' | 'already-gone'> {
  try {
    await client.send(new DeleteClientCertificateCommand({ clientCertificateId }));
  } catch (error) {
    if (isNotFound(error)) return 'already-gone';
    throw translateApiGatewayError(error, `DeleteClientCertificate ${clientCertificateId}`);
  }
  log.info('client certificate deleted', { clientCertificateId });
  return 'deleted';
}
