/**
 * The backend behind an API Gateway stage, as a probe: does it accept the client certificate
 * the stage presents? `GET /_sim/apigateway/<restApiId>/<stageName>?trustStoreSecretId=<id>`.
 *
 * The backend trusts the certificates in its trust store, a Secrets Manager secret whose
 * AWSCURRENT value is `{"certificates":[{"clientCertificateId","pemEncodedCertificate",
 * "expirationDate"}]}`. Answers 200 `{ok:true}` when the stage's certificate is in it (same DER,
 * whatever the PEM line breaks) and valid on the simulator clock; otherwise 403
 * `{ok:false, reason, message}`, or 404 for an unknown API or stage.
 *
 * The REST API is looked up in whichever account and region holds it (REST API ids are unique);
 * the trust store in the simulator's own account and region, where keyturn keeps its secrets.
 *
 * The secret is read from the Secrets Manager slice of the simulator state, defensively: this
 * module may not import secretsmanager.ts's internals to stay decoupled, so it accepts the
 * shape that module keeps (`secrets` keyed by ARN, each `{arn, name, deletedAt?, versions:
 * [{versionId, secretString, stages}]}`) and tolerates an array of secrets or capitalised names.
 */
import { X509Certificate } from 'node:crypto';
import { json, type SimContext, type SimRequest, type SimResponse } from '../protocol';
import { normalisedPemCertificates } from './apigateway-certificates';
import { apiGatewaySlice } from './apigateway-state';
import { allWorlds } from '../state';

type Loose = Record<string, unknown>;

function refuse(reason: string, message: string, extra: Loose = {}): SimResponse {
  return json(403, { ok: false, reason, message, ...extra });
}

function field(record: Loose, ...names: string[]): unknown {
  for (const name of names) if (record[name] !== undefined) return record[name];
  return undefined;
}

/** The AWSCURRENT SecretString of secret `id` (name or ARN), or undefined. */
export function currentSecretString(ctx: SimContext, id: string): { found: boolean; value?: string } {
  const store = ctx.state.services.secretsmanager as Loose | undefined;
  const raw = store ? field(store, 'secrets', 'Secrets') : undefined;
  const secrets: Loose[] = Array.isArray(raw) ? (raw as Loose[]) : raw && typeof raw === 'object' ? (Object.values(raw) as Loose[]) : [];
  const secret = secrets.find((s) => {
    if (!s || typeof s !== 'object') return false;
    const arn = field(s, 'arn', 'ARN', 'Arn');
    const name = field(s, 'name', 'Name');
    if (id.startsWith('arn:')) return typeof arn === 'string' && (arn === id || arn.slice(0, -7) === id);
    return name === id;
  });
  // A secret scheduled for deletion cannot be read (GetSecretValue fails), so the backend can't either.
  if (!secret || field(secret, 'deletedAt', 'DeletedDate') !== undefined) return { found: false };
  const versionsRaw = field(secret, 'versions', 'Versions');
  const versions: Loose[] = Array.isArray(versionsRaw)
    ? (versionsRaw as Loose[])
    : versionsRaw && typeof versionsRaw === 'object'
      ? Object.values(versionsRaw as Loose) as Loose[]
      : [];
  const current = versions.find((v) => {
    const stages = field(v, 'stages', 'versionStages', 'VersionStages');
    return Array.isArray(stages) && stages.includes('AWSCURRENT');
  });
  const value = current ? field(current, 'secretString', 'SecretString') : undefined;
  return { found: true, ...(typeof value === 'string' ? { value } : {}) };
}

export function mtlsProbe(subpath: string, req: SimRequest, ctx: SimContext): SimResponse {
  const match = /^\/([^/]+)\/([^/]+)\/?$/.exec(subpath);
  if (req.method !== 'GET' || !match) {
    return json(404, { ok: false, reason: 'unknown-route', message: 'use GET /_sim/apigateway/<restApiId>/<stageName>?trustStoreSecretId=<id>' });
  }
  const [, restApiId, stageName] = match as unknown as [string, string, string];
  const trustStoreSecretId = req.query.get('trustStoreSecretId');
  if (!trustStoreSecretId) return json(400, { ok: false, reason: 'bad-request', message: 'trustStoreSecretId is required' });

  const owner = allWorlds(ctx.home).find((state) => state.services.apigateway !== undefined && apiGatewaySlice({ ...ctx, state }).restApis.some((a) => a.id === restApiId));
  const s = apiGatewaySlice(owner ? { ...ctx, state: owner } : ctx);
  const stage = s.restApis.find((a) => a.id === restApiId)?.stages.find((st) => st.stageName === stageName);
  if (!stage) return json(404, { ok: false, reason: 'unknown-stage', message: `no stage ${stageName} on REST API ${restApiId}` });

  const clientCertificateId = stage.clientCertificateId;
  if (!clientCertificateId) return refuse('no-client-certificate', 'the stage presents no client certificate');
  const certificate = s.clientCertificates.find((c) => c.clientCertificateId === clientCertificateId);
  if (!certificate) return refuse('unknown-client-certificate', `client certificate ${clientCertificateId} does not exist`, { clientCertificateId });

  // Validity from the certificate itself, on the simulator clock.
  const x509 = new X509Certificate(certificate.pemEncodedCertificate);
  const now = ctx.now();
  if (now > Date.parse(x509.validTo)) return refuse('expired', `client certificate ${clientCertificateId} expired at ${x509.validTo}`, { clientCertificateId });
  if (now < Date.parse(x509.validFrom)) return refuse('not-yet-valid', `client certificate ${clientCertificateId} is valid from ${x509.validFrom}`, { clientCertificateId });

  const secret = currentSecretString(ctx, trustStoreSecretId);
  if (!secret.found) return refuse('trust-store-unavailable', `trust store secret ${trustStoreSecretId} not found`, { clientCertificateId });
  if (secret.value === undefined) return refuse('trust-store-unavailable', `trust store secret ${trustStoreSecretId} has no AWSCURRENT SecretString`, { clientCertificateId });
  let entries: unknown;
  try {
    entries = (JSON.parse(secret.value) as { certificates?: unknown }).certificates;
  } catch {
    return refuse('trust-store-unreadable', 'trust store secret is not JSON', { clientCertificateId });
  }
  if (!Array.isArray(entries)) return refuse('trust-store-unreadable', 'trust store secret has no certificates list', { clientCertificateId });

  const presented = normalisedPemCertificates(certificate.pemEncodedCertificate)[0];
  const trusted = entries.some((entry: unknown) => {
    const pem = (entry as { pemEncodedCertificate?: unknown } | null)?.pemEncodedCertificate;
    return typeof pem === 'string' && normalisedPemCertificates(pem).includes(presented ?? '');
  });
  if (!trusted) return refuse('not-trusted', `client certificate ${clientCertificateId} is not in the trust store`, { clientCertificateId });
  return json(200, { ok: true, restApiId, stageName, clientCertificateId });
}
