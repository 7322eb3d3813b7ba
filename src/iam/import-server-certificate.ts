/**
 * Imports a renewed server certificate: checks name and path, reads the material, validates it
 * (validate-server-certificate.ts), makes sure the name is free, and only then uploads. A
 * rejected certificate uploads nothing.
 *
 * The private key lives only inside this function's call: it is read through `readMaterial`,
 * checked, sent to IAM, and never returned, logged or put in an error.
 *
 * Idempotent: when the name already holds this very certificate (a rerun after a crash
 * between upload and the next state) the existing one is reported instead of failing.
 */
import {
  EntityAlreadyExistsException,
  GetServerCertificateCommand,
  KeyPairMismatchException,
  LimitExceededException,
  MalformedCertificateException,
  NoSuchEntityException,
  UploadServerCertificateCommand,
  type IAMClient,
  type ServerCertificateMetadata,
} from '@aws-sdk/client-iam';
import { X509Certificate } from 'node:crypto';
import { QuotaExceededError, UnsafeStateError } from '../errors';
import type { Log } from '../logger';
import { CertificateNameTakenError, KeyPairMismatchError, MalformedCertificateError, UploadNotConfirmedError } from './errors';
import { translateTransientIamError } from './iam-transient';
import { checkServerCertificateName, checkServerCertificatePath, usableByCloudFront } from './server-certificate-names';
import { validateServerCertificate, type CertificateMaterial } from './validate-server-certificate';

export interface ImportRequest {
  serverCertificateName: string;
  path: string;
}

/** What the state carries on: names, ids, ARNs and dates only. */
export interface ImportedCertificate {
  serverCertificateName: string;
  serverCertificateId: string;
  arn: string;
  path: string;
  expiration: string;
  usableByCloudFront: boolean;
  /** True when this run found the certificate already uploaded (a rerun). */
  alreadyImported: boolean;
}

export interface ImportDeps {
  iam: Pick<IAMClient, 'send'>;
  /** Reads `{ certificateBody, privateKey, certificateChain? }` from the source. */
  readMaterial: () => Promise<CertificateMaterial>;
  now: () => Date;
  log: Log;
}

/** What a dry run reports: the certificate was validated and the name checked; nothing uploaded. */
export interface ImportPlan {
  dryRun: true;
  serverCertificateName: string;
  path: string;
  /** False when the name already holds this very certificate. */
  wouldUpload: boolean;
  expiration: string;
  usableByCloudFront: boolean;
}

/** Validates as an import would and reports whether it would upload: reads only. */
export async function planServerCertificateImport(deps: ImportDeps, request: ImportRequest): Promise<ImportPlan> {
  const { existing, validated } = await validateAndFind(deps, request);
  return {
    dryRun: true,
    serverCertificateName: request.serverCertificateName,
    path: request.path,
    wouldUpload: !existing,
    expiration: existing?.expiration ?? validated.notAfter,
    usableByCloudFront: usableByCloudFront(request.path),
  };
}

async function validateAndFind(deps: ImportDeps, request: ImportRequest) {
  const { serverCertificateName: name, path } = request;
  checkServerCertificateName(name);
  checkServerCertificatePath(path);

  const material = await deps.readMaterial();
  const validated = validateServerCertificate(material, deps.now());
  deps.log.info('certificate validated', {
    serverCertificateName: name,
    subject: validated.subject,
    notAfter: validated.notAfter,
    chainLength: validated.chainLength,
  });
  const existing = await findExisting(deps.iam, name, material.certificateBody, path);
  return { material, validated, existing };
}

export async function validateAndUploadServerCertificate(deps: ImportDeps, request: ImportRequest): Promise<ImportedCertificate> {
  const { serverCertificateName: name, path } = request;
  const { material, validated, existing } = await validateAndFind(deps, request);
  if (existing) {
    deps.log.info('certificate already imported', { serverCertificateName: name, arn: existing.arn });
    return existing;
  }

  let metadata: ServerCertificateMetadata | undefined;
  try {
    const out = await deps.iam.send(
      new UploadServerCertificateCommand({
        ServerCertificateName: name,
        Path: path,
        CertificateBody: material.certificateBody,
        PrivateKey: material.privateKey,
        CertificateChain: material.certificateChain || undefined,
      }),
    );
    metadata = out.ServerCertificateMetadata;
  } catch (error) {
    if (error instanceof EntityAlreadyExistsException) {
      // Someone uploaded under this name between our check and our upload.
      const raced = await findExisting(deps.iam, name, material.certificateBody, path);
      if (raced) return raced;
      throw new CertificateNameTakenError(name, undefined);
    }
    // IAM's own checks, should ours have missed something. Its messages quote no key material.
    if (error instanceof KeyPairMismatchException) throw new KeyPairMismatchError();
    if (error instanceof MalformedCertificateException) {
      throw new MalformedCertificateError('certificateBody', `IAM rejected it: ${error.message}`);
    }
    if (error instanceof LimitExceededException) {
      throw new QuotaExceededError(`IAM server certificate quota reached: ${error.message}`, { cause: error });
    }
    throw translateTransientIamError(error, 'UploadServerCertificate');
  }
  if (!metadata?.Arn || !metadata.ServerCertificateId) {
    throw new UploadNotConfirmedError(`UploadServerCertificate returned no metadata for ${name}`);
  }
  const imported = toImported(metadata, validated.notAfter, false);
  deps.log.info('server certificate uploaded', {
    serverCertificateName: name,
    serverCertificateId: imported.serverCertificateId,
    arn: imported.arn,
    expiration: imported.expiration,
  });
  return imported;
}

/**
 * The certificate stored under `name`, when it is this very certificate (same DER, same path);
 * undefined when the name is free; CertificateNameTakenError when it holds another one.
 */
async function findExisting(
  iam: Pick<IAMClient, 'send'>,
  name: string,
  certificateBody: string,
  path: string,
): Promise<ImportedCertificate | undefined> {
  let found;
  try {
    found = await iam.send(new GetServerCertificateCommand({ ServerCertificateName: name }));
  } catch (error) {
    if (error instanceof NoSuchEntityException) return undefined;
    throw translateTransientIamError(error, 'GetServerCertificate');
  }
  const stored = found.ServerCertificate;
  const metadata = stored?.ServerCertificateMetadata;
  if (!stored || !metadata) throw new UnsafeStateError(`GetServerCertificate ${name} returned no certificate`);
  if (metadata.Path !== path || !sameCertificate(stored.CertificateBody, certificateBody)) {
    throw new CertificateNameTakenError(name, metadata.Arn);
  }
  return toImported(metadata, metadata.Expiration?.toISOString() ?? '', true);
}

/** Compares DER, not text: IAM may give the PEM back with other line endings. */
function sameCertificate(storedPem: string | undefined, pem: string): boolean {
  if (!storedPem) return false;
  try {
    return new X509Certificate(storedPem).raw.equals(new X509Certificate(pem).raw);
  } catch {
    return false;
  }
}

function toImported(metadata: ServerCertificateMetadata, notAfter: string, alreadyImported: boolean): ImportedCertificate {
  const path = metadata.Path ?? '/';
  return {
    serverCertificateName: metadata.ServerCertificateName ?? '',
    serverCertificateId: metadata.ServerCertificateId ?? '',
    arn: metadata.Arn ?? '',
    path,
    expiration: metadata.Expiration?.toISOString() ?? notAfter,
    usableByCloudFront: usableByCloudFront(path),
    alreadyImported,
  };
}

/**
 * Reads the certificate back by name and confirms it is the one uploaded (same id and ARN),
 * so the report names what IAM actually holds.
 */
export async function readBackServerCertificate(
  iam: Pick<IAMClient, 'send'>,
  expected: { serverCertificateName: string; serverCertificateId: string; arn: string },
  log: Log,
): Promise<{ serverCertificateName: string; arn: string; serverCertificateId: string; path: string; expiration: string }> {
  let found;
  try {
    found = await iam.send(new GetServerCertificateCommand({ ServerCertificateName: expected.serverCertificateName }));
  } catch (error) {
    if (error instanceof NoSuchEntityException) {
      throw new UploadNotConfirmedError(`server certificate ${expected.serverCertificateName} is not in IAM after upload`, {
        cause: error,
      });
    }
    throw translateTransientIamError(error, 'GetServerCertificate');
  }
  const metadata = found.ServerCertificate?.ServerCertificateMetadata;
  if (metadata?.ServerCertificateId !== expected.serverCertificateId || metadata?.Arn !== expected.arn) {
    throw new UploadNotConfirmedError(
      `server certificate ${expected.serverCertificateName} in IAM is ${metadata?.ServerCertificateId ?? 'missing'}, not ${expected.serverCertificateId}`,
    );
  }
  const confirmed = {
    serverCertificateName: expected.serverCertificateName,
    serverCertificateId: metadata.ServerCertificateId,
    arn: metadata.Arn,
    path: metadata.Path ?? '/',
    expiration: metadata.Expiration?.toISOString() ?? '',
  };
  log.info('server certificate confirmed', { serverCertificateName: confirmed.serverCertificateName, arn: confirmed.arn });
  return confirmed;
}
