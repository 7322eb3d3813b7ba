/**
 * REST API stages and the client certificate each presents to its backend.
 */
import { GetRestApisCommand, GetStagesCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { InvalidInputError } from '../errors';
import type { Log } from '../logger';
import type { ApiGatewayApi } from './client-certificates';
import { apiCall, isNotFound, StageSwitchNotVerifiedError, translateApiGatewayError, type StageCertificate } from './errors';

export async function listStages(client: ApiGatewayApi, restApiId: string): Promise<StageCertificate[]> {
  const out = await apiCall(`GetStages ${restApiId}`, () => client.send(new GetStagesCommand({ restApiId })));
  return (out.item ?? []).map((s) => ({ stageName: s.stageName ?? '', clientCertificateId: s.clientCertificateId || null }));
}

/** listStages for the API a rotation targets: an unknown API is bad input naming restApiId (GetStages answers NotFoundException). */
export async function listStagesOfApi(client: ApiGatewayApi, restApiId: string): Promise<StageCertificate[]> {
  try {
    return await listStages(client, restApiId);
  } catch (error) {
    if (isNotFound(error) || isNotFound((error as { cause?: unknown })?.cause)) {
      throw new InvalidInputError('restApiId', `no REST API ${restApiId} in this account and region`, { cause: error });
    }
    throw error;
  }
}

/**
 * Points the stage at `clientCertificateId`: UpdateStage `replace /clientCertificateId`, with no
 * GetStage before or after. The replace is idempotent (a stage that already presents the
 * certificate is unchanged by it, so a retry needs no check first), and UpdateStage answers with
 * the stage as it is now, which verifies the switch (StageSwitchNotVerifiedError otherwise).
 */
export async function switchStageCertificate(client: ApiGatewayApi, restApiId: string, stageName: string, clientCertificateId: string, log: Log): Promise<void> {
  let out;
  try {
    out = await client.send(
      new UpdateStageCommand({ restApiId, stageName, patchOperations: [{ op: 'replace', path: '/clientCertificateId', value: clientCertificateId }] }),
    );
  } catch (error) {
    if (isNotFound(error)) throw new InvalidInputError('stageNames', `stage ${stageName} does not exist on REST API ${restApiId}`, { cause: error });
    throw translateApiGatewayError(error, `UpdateStage ${restApiId}/${stageName}`);
  }
  if ((out.clientCertificateId || null) !== clientCertificateId) {
    throw new StageSwitchNotVerifiedError(restApiId, stageName, clientCertificateId, out.clientCertificateId || null);
  }
  log.info('stage switched to new client certificate', { restApiId, stageName, clientCertificateId });
}

/**
 * Every stage of every REST API in the account that presents one of `clientCertificateIds`
 * (GetRestApis, every page, then GetStages per API): `restApiId/stageName` per certificate.
 * A REST API deleted between the two calls is skipped.
 */
export async function stagesUsingCertificates(client: ApiGatewayApi, clientCertificateIds: readonly string[]): Promise<Record<string, string[]>> {
  const usedBy: Record<string, string[]> = Object.fromEntries(clientCertificateIds.map((id) => [id, []]));
  if (clientCertificateIds.length === 0) return usedBy;
  const apiIds: string[] = [];
  let position: string | undefined;
  do {
    const out = await apiCall('GetRestApis', () => client.send(new GetRestApisCommand({ limit: 500, position })));
    apiIds.push(...(out.items ?? []).map((a) => a.id ?? '').filter(Boolean));
    position = out.position;
  } while (position);
  for (const restApiId of apiIds) {
    let stages: StageCertificate[];
    try {
      stages = await listStages(client, restApiId);
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    for (const stage of stages) {
      if (stage.clientCertificateId && usedBy[stage.clientCertificateId]) usedBy[stage.clientCertificateId]!.push(`${restApiId}/${stage.stageName}`);
    }
  }
  return usedBy;
}
