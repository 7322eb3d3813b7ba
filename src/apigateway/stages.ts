/**
 * REST API stages and the client certificate each presents to its backend.
 */
import { GetRestApiCommand, GetRestApisCommand, GetStageCommand, GetStagesCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { InvalidInputError } from '../errors';
import type { Log } from '../logger';
import type { ApiGatewayApi } from './client-certificates';
import { apiCall, isNotFound, StageSwitchNotVerifiedError, translateApiGatewayError, type StageCertificate } from './errors';

/** Fails with InvalidInputError naming restApiId when the API does not exist (a read: nothing changes). */
export async function requireRestApi(client: ApiGatewayApi, restApiId: string): Promise<void> {
  try {
    await client.send(new GetRestApiCommand({ restApiId }));
  } catch (error) {
    if (isNotFound(error)) throw new InvalidInputError('restApiId', `no REST API ${restApiId} in this account and region`, { cause: error });
    throw translateApiGatewayError(error, `GetRestApi ${restApiId}`);
  }
}

export async function listStages(client: ApiGatewayApi, restApiId: string): Promise<StageCertificate[]> {
  const out = await apiCall(`GetStages ${restApiId}`, () => client.send(new GetStagesCommand({ restApiId })));
  return (out.item ?? []).map((s) => ({ stageName: s.stageName ?? '', clientCertificateId: s.clientCertificateId || null }));
}

export async function getStage(client: ApiGatewayApi, restApiId: string, stageName: string): Promise<StageCertificate | undefined> {
  try {
    const out = await client.send(new GetStageCommand({ restApiId, stageName }));
    return { stageName, clientCertificateId: out.clientCertificateId || null };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateApiGatewayError(error, `GetStage ${restApiId}/${stageName}`);
  }
}

/**
 * Points the stage at `clientCertificateId` (UpdateStage `replace /clientCertificateId`) and
 * verifies it with GetStage. Returns early when the stage already presents it.
 */
export async function switchStageCertificate(
  client: ApiGatewayApi,
  restApiId: string,
  stageName: string,
  clientCertificateId: string,
  log: Log,
): Promise<{ stageName: string; changed: boolean; previousCertificateId: string | null }> {
  const before = await getStage(client, restApiId, stageName);
  if (!before) throw new InvalidInputError('stageNames', `stage ${stageName} does not exist on REST API ${restApiId}`);
  if (before.clientCertificateId === clientCertificateId) return { stageName, changed: false, previousCertificateId: null };
  await apiCall(`UpdateStage ${restApiId}/${stageName}`, () =>
    client.send(
      new UpdateStageCommand({
        restApiId,
        stageName,
        patchOperations: [{ op: 'replace', path: '/clientCertificateId', value: clientCertificateId }],
      }),
    ),
  );
  const after = await getStage(client, restApiId, stageName);
  if (after?.clientCertificateId !== clientCertificateId) {
    throw new StageSwitchNotVerifiedError(restApiId, stageName, clientCertificateId, after?.clientCertificateId ?? null);
  }
  log.info('stage switched to new client certificate', { restApiId, stageName, clientCertificateId, previousCertificateId: before.clientCertificateId });
  return { stageName, changed: true, previousCertificateId: before.clientCertificateId };
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
