/**
 * Every IAM server certificate under a path prefix, across all pages. IAM may return a short
 * (even empty) page with `IsTruncated: true`, so the loop follows `Marker`, never the page size.
 */
import { ListServerCertificatesCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Log } from '../logger';
import { UnsafeStateError } from '../errors';
import { translateTransientIamError } from './iam-transient';

export interface ServerCertificateSummary {
  name: string;
  id: string;
  arn: string;
  path: string;
  /** ISO 8601, UTC. */
  expiration: string;
}

/** Guards against a service that keeps answering `IsTruncated` with the same marker. */
const MAX_PAGES = 1000;
/** IAM's largest page (its default is 100): one call lists every certificate an account may hold. */
const PAGE_SIZE = 1000;

export async function listServerCertificates(
  iam: Pick<IAMClient, 'send'>,
  pathPrefix: string,
  log: Log,
): Promise<ServerCertificateSummary[]> {
  const certificates: ServerCertificateSummary[] = [];
  let marker: string | undefined;
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    let out;
    try {
      out = await iam.send(new ListServerCertificatesCommand({ PathPrefix: pathPrefix, Marker: marker, MaxItems: PAGE_SIZE }));
    } catch (error) {
      throw translateTransientIamError(error, 'ListServerCertificates');
    }
    for (const meta of out.ServerCertificateMetadataList ?? []) {
      if (!meta.ServerCertificateName || !meta.Arn || !meta.Expiration) continue;
      certificates.push({
        name: meta.ServerCertificateName,
        id: meta.ServerCertificateId ?? '',
        arn: meta.Arn,
        path: meta.Path ?? '/',
        expiration: meta.Expiration.toISOString(),
      });
    }
    if (!out.IsTruncated) {
      log.info('server certificates listed', { pathPrefix, pages: page, count: certificates.length });
      return certificates;
    }
    if (!out.Marker || out.Marker === marker) {
      throw new UnsafeStateError(`ListServerCertificates said IsTruncated without a new Marker (page ${page})`);
    }
    marker = out.Marker;
  }
  throw new UnsafeStateError(`ListServerCertificates did not finish within ${MAX_PAGES} pages`);
}
