/**
 * The API Gateway slice of the simulator state: plain JSON, so `--state FILE` keeps it.
 * `settings.clientCertificateQuota` (default 60, AWS's quota per account and region) can be
 * changed through `PUT /_sim/state`.
 */
import type { SimContext } from '../protocol';
import { slice } from '../state';

const DEFAULT_CLIENT_CERTIFICATE_QUOTA = 60;

export type Tags = Record<string, string>;

export interface ClientCertificateRecord {
  clientCertificateId: string;
  description?: string;
  pemEncodedCertificate: string;
  /** Epoch seconds. */
  createdDate: number;
  expirationDate: number;
  tags: Tags;
}

export interface DeploymentRecord {
  id: string;
  description?: string;
  createdDate: number;
}

export interface StageRecord {
  stageName: string;
  deploymentId: string;
  clientCertificateId?: string;
  description?: string;
  variables?: Record<string, string>;
  tags: Tags;
  createdDate: number;
  lastUpdatedDate: number;
}

export interface RestApiRecord {
  id: string;
  name: string;
  description?: string;
  createdDate: number;
  rootResourceId: string;
  endpointTypes: string[];
  tags: Tags;
  deployments: DeploymentRecord[];
  stages: StageRecord[];
}

export interface ApiGatewaySlice {
  /** Oldest first: the order GetClientCertificates pages through. */
  clientCertificates: ClientCertificateRecord[];
  restApis: RestApiRecord[];
  settings: { clientCertificateQuota: number };
}

export function apiGatewaySlice(ctx: SimContext): ApiGatewaySlice {
  const s = slice<ApiGatewaySlice>(ctx.state, 'apigateway', () => ({
    clientCertificates: [],
    restApis: [],
    settings: { clientCertificateQuota: DEFAULT_CLIENT_CERTIFICATE_QUOTA },
  }));
  s.clientCertificates ??= [];
  s.restApis ??= [];
  s.settings ??= { clientCertificateQuota: DEFAULT_CLIENT_CERTIFICATE_QUOTA };
  s.settings.clientCertificateQuota ??= DEFAULT_CLIENT_CERTIFICATE_QUOTA;
  return s;
}
