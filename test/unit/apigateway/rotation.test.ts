import {
  APIGatewayClient,
  DeleteClientCertificateCommand,
  GenerateClientCertificateCommand,
  GetClientCertificateCommand,
  GetClientCertificatesCommand,
  GetRestApisCommand,
  GetStageCommand,
  GetStagesCommand,
  NotFoundException,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QuotaExceededError, RotationInProgressError, UnsafeStateError } from '../../../src/errors';
import { MixedStageCertificatesError, StageSwitchNotVerifiedError } from '../../../src/apigateway/errors';
import {
  findCertificateInUse,
  deleteOldCertificates,
  generateNewCertificate,
  REPLACES_TAG,
  ROTATION_TAG,
  rotationTagValue,
  switchStages,
  undoAdapter,
  type RotationDeps,
} from '../../../src/apigateway/rotation';
import type { RotationConfig } from '../../../src/apigateway/rotation-config';
import { undoRotation } from '../../../src/rotation/undo';
import { claimTrustStore, claimValue, publishBundle, releaseTrustStore, trustStoreVersions } from '../../../src/apigateway/trust-store';

const api = mockClient(APIGatewayClient);
const sm = mockClient(SecretsManagerClient);
const NOW = new Date('2026-06-01T00:00:00Z');
const deps: RotationDeps = {
  apiGateway: new APIGatewayClient({ region: 'us-east-1' }),
  secrets: new SecretsManagerClient({ region: 'us-east-1' }),
  log: { debug() {}, info() {}, warn() {}, error() {} },
  now: () => NOW,
};
const config: RotationConfig = { restApiId: 'api1', trustStoreSecretId: 'keyturn/trust', renewBeforeDays: 30, force: false, dryRun: false, graceSeconds: 60, rotationId: 'exec-1' };
const CLAIM = trustStoreVersions('exec-1').claim;
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000);
const cert = (id: string, expiresInDays = 300, tags: Record<string, string> = {}) => ({ clientCertificateId: id, pemEncodedCertificate: `PEM-${id}`, expirationDate: inDays(expiresInDays), tags });
const bundle = (...ids: string[]) => JSON.stringify({ certificates: ids.map((id) => ({ clientCertificateId: id, pemEncodedCertificate: `PEM-${id}`, expirationDate: 'x' })) });
const notFound = () => new NotFoundException({ message: 'no', $metadata: {} });
const ownTags = (replaces = 'OLD') => ({ [ROTATION_TAG]: rotationTagValue('exec-1'), [REPLACES_TAG]: replaces });

function trustStore(ids: string[], stages: Record<string, string[]> = { v1: ['AWSCURRENT'] }) {
  sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: stages });
  sm.on(GetSecretValueCommand).resolves({ SecretString: bundle(...ids) });
}

beforeEach(() => {
  api.on(GetClientCertificatesCommand).resolves({ items: [] });
});
afterEach(() => {
  api.reset();
  sm.reset();
});

describe('findCertificateInUse', () => {
  it('is not due while the stages’ certificate expires later than renewBeforeDays', async () => {
    api.on(GetStagesCommand).resolves({ item: [{ stageName: 'prod', clientCertificateId: 'OLD' }, { stageName: 'dev', clientCertificateId: 'OLD' }] });
    api.on(GetClientCertificateCommand).resolves(cert('OLD', 200));
    trustStore(['OLD']);
    expect(await findCertificateInUse(deps, config)).toMatchObject({ due: false, expiresInDays: 200, stageNames: ['prod', 'dev'], oldCertificateIds: ['OLD'] });
  });

  it('is due within renewBeforeDays of expiry, or when forced', async () => {
    api.on(GetStagesCommand).resolves({ item: [{ stageName: 'prod', clientCertificateId: 'OLD' }] });
    api.on(GetClientCertificateCommand).resolves(cert('OLD', 30));
    trustStore(['OLD']);
    expect(await findCertificateInUse(deps, config)).toMatchObject({ due: true, phase: 'rotate', expiresInDays: 30 });
    api.on(GetClientCertificateCommand).resolves(cert('OLD', 300));
    expect(await findCertificateInUse(deps, { ...config, force: true })).toMatchObject({ due: true, reason: expect.stringMatching(/forced/) });
  });

  it('refuses stages on different certificates or none unless they are named', async () => {
    api.on(GetStagesCommand).resolves({ item: [{ stageName: 'prod', clientCertificateId: 'OLD' }, { stageName: 'legacy', clientCertificateId: 'OTHER' }, { stageName: 'bare' }] });
    api.on(GetClientCertificateCommand).resolves(cert('OLD', 10));
    trustStore(['OLD']);
    await expect(findCertificateInUse(deps, config)).rejects.toBeInstanceOf(MixedStageCertificatesError);
    expect(await findCertificateInUse(deps, { ...config, stageNames: ['prod'] })).toMatchObject({ due: true, stageNames: ['prod'], oldCertificateIds: ['OLD'] });
  });

  it('names restApiId for an unknown API and stageNames for an unknown stage', async () => {
    // GetStages answers NotFoundException for an unknown API (no GetRestApi first).
    api.on(GetStagesCommand).rejects(notFound());
    await expect(findCertificateInUse(deps, config)).rejects.toMatchObject({ name: 'InvalidInputError', field: 'restApiId' });
    api.on(GetStagesCommand).resolves({ item: [{ stageName: 'prod', clientCertificateId: 'OLD' }] });
    trustStore(['OLD']);
    await expect(findCertificateInUse(deps, { ...config, stageNames: ['nope'] })).rejects.toMatchObject({ field: 'stageNames' });
  });

  it('stops when another rotation holds the trust store’s AWSPENDING', async () => {
    api.on(GetStagesCommand).resolves({ item: [{ stageName: 'prod', clientCertificateId: 'OLD' }] });
    trustStore(['OLD'], { v1: ['AWSCURRENT'], theirs: ['AWSPENDING'] });
    await expect(findCertificateInUse(deps, config)).rejects.toBeInstanceOf(RotationInProgressError);
  });

  it('resumes a rotation whose certificate exists (found by its tag), whatever its expiry', async () => {
    api.on(GetStagesCommand).resolves({ item: [{ stageName: 'prod', clientCertificateId: 'NEW' }, { stageName: 'dev', clientCertificateId: 'OLD' }] });
    api.on(GetClientCertificatesCommand).resolves({ items: [cert('NEW', 365, ownTags())] });
    trustStore(['OLD', 'NEW'], { v1: ['AWSCURRENT'], [CLAIM]: ['AWSPENDING'] });
    expect(await findCertificateInUse(deps, config)).toMatchObject({ due: true, phase: 'resume', newCertificateId: 'NEW', oldCertificateIds: ['OLD'], stageNames: ['prod', 'dev'] });
  });
});

describe('generateNewCertificate', () => {
  it('refuses at 60 certificates before taking the lock or generating', async () => {
    api.on(GetClientCertificatesCommand).resolves({ items: Array.from({ length: 60 }, (_, i) => cert(`C${i}`)) });
    trustStore(['OLD']);
    await expect(generateNewCertificate(deps, config, { stageNames: ['prod'], oldCertificateIds: ['OLD'] })).rejects.toBeInstanceOf(QuotaExceededError);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(api.commandCalls(GenerateClientCertificateCommand)).toHaveLength(0);
  });

  it('takes the lock, then generates a certificate tagged with the rotation and what it replaces', async () => {
    trustStore(['OLD']);
    sm.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSPENDING'] });
    api.on(GenerateClientCertificateCommand).resolves(cert('NEW', 365));
    const out = await generateNewCertificate(deps, { ...config, tags: { team: 'pay' } }, { stageNames: ['prod'], oldCertificateIds: ['OLD', 'OLD2'] });
    expect(out).toMatchObject({ clientCertificateId: 'NEW', generated: true });
    expect(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toMatchObject({ ClientRequestToken: CLAIM, VersionStages: ['AWSPENDING'] });
    expect(api.commandCalls(GenerateClientCertificateCommand)[0]?.args[0].input).toMatchObject({
      description: expect.stringMatching(/^keyturn: .*api1 \(prod\), generated 2026-06-01$/),
      tags: { team: 'pay', 'managed-by': 'keyturn', ...ownTags('OLD/OLD2') },
    });
  });

  it('adopts the certificate an earlier attempt generated instead of making another', async () => {
    api.on(GetClientCertificatesCommand).resolves({ items: [cert('NEW', 365, ownTags())] });
    trustStore(['OLD'], { v1: ['AWSCURRENT'], [CLAIM]: ['AWSPENDING'] });
    expect(await generateNewCertificate(deps, config, { stageNames: ['prod'], oldCertificateIds: ['OLD'] })).toMatchObject({ clientCertificateId: 'NEW', generated: false });
    expect(api.commandCalls(GenerateClientCertificateCommand)).toHaveLength(0);
  });
});

describe('switchStages', () => {
  it('refuses to switch before the trust store trusts the new certificate', async () => {
    trustStore(['OLD']);
    await expect(switchStages(deps, config, ['prod'], 'NEW')).rejects.toBeInstanceOf(UnsafeStateError);
    expect(api.commandCalls(UpdateStageCommand)).toHaveLength(0);
  });

  it('one UpdateStage a stage, verified by what it answers (no GetStage before or after)', async () => {
    trustStore(['OLD', 'NEW']);
    api.on(UpdateStageCommand).resolves({ stageName: 'prod', clientCertificateId: 'NEW' });
    expect(await switchStages(deps, config, ['prod', 'dev'], 'NEW')).toEqual({ switched: ['prod', 'dev'] });
    expect(api.commandCalls(UpdateStageCommand).map((c) => c.args[0].input)).toEqual(
      ['prod', 'dev'].map((stageName) => ({ restApiId: 'api1', stageName, patchOperations: [{ op: 'replace', path: '/clientCertificateId', value: 'NEW' }] })),
    );
    expect(api.commandCalls(GetStageCommand)).toHaveLength(0);
  });

  it('is StageSwitchNotVerifiedError when UpdateStage answers with another certificate', async () => {
    trustStore(['OLD', 'NEW']);
    api.on(UpdateStageCommand).resolves({ stageName: 'prod', clientCertificateId: 'OLD' });
    await expect(switchStages(deps, config, ['prod'], 'NEW')).rejects.toBeInstanceOf(StageSwitchNotVerifiedError);
  });

  it('names stageNames for a stage that does not exist', async () => {
    trustStore(['OLD', 'NEW']);
    api.on(UpdateStageCommand).rejects(notFound());
    await expect(switchStages(deps, config, ['nope'], 'NEW')).rejects.toMatchObject({ name: 'InvalidInputError', field: 'stageNames' });
  });
});

describe('deleteOldCertificates', () => {
  it('deletes only a certificate no stage of any API presents, reading every page of APIs', async () => {
    api.on(GetRestApisCommand).resolvesOnce({ items: [{ id: 'api1' }], position: 'p2' }).resolves({ items: [{ id: 'api2' }] });
    api.on(GetStagesCommand, { restApiId: 'api1' }).resolves({ item: [{ stageName: 'prod', clientCertificateId: 'NEW' }] });
    api.on(GetStagesCommand, { restApiId: 'api2' }).resolves({ item: [{ stageName: 'live', clientCertificateId: 'OLD2' }] });
    api.on(DeleteClientCertificateCommand).resolves({});
    expect(await deleteOldCertificates(deps, ['OLD', 'OLD2'])).toEqual({ deleted: ['OLD'], alreadyGone: [], kept: [{ clientCertificateId: 'OLD2', usedBy: ['api2/live'] }] });
    expect(api.commandCalls(DeleteClientCertificateCommand).map((c) => c.args[0].input.clientCertificateId)).toEqual(['OLD']);
  });
});

describe('undoRotation, through the API Gateway adapter', () => {
  const undo = (stageNames: string[]) => {
    const { target, lock } = undoAdapter(deps, config, stageNames);
    return undoRotation(target, lock, deps.log);
  };

  it('before any stage switched: takes the new certificate out of the trust store, deletes it, releases the lock', async () => {
    api.on(GetClientCertificatesCommand).resolves({ items: [cert('NEW', 365, ownTags())] });
    api.on(GetRestApisCommand).resolves({ items: [{ id: 'api1' }] });
    api.on(GetStagesCommand).resolves({ item: [{ stageName: 'prod', clientCertificateId: 'OLD' }] });
    api.on(DeleteClientCertificateCommand).resolves({});
    trustStore(['OLD', 'NEW'], { v1: ['AWSCURRENT'], [CLAIM]: ['AWSPENDING'] });
    sm.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSCURRENT'] });
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    const out = await undo(['prod']);
    expect(JSON.parse(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretString ?? '{}').certificates.map((c: { clientCertificateId: string }) => c.clientCertificateId)).toEqual(['OLD']);
    expect(api.commandCalls(DeleteClientCertificateCommand)).toHaveLength(1);
    expect(out.undone).toHaveLength(3);
    expect(out.kept).toEqual([]);
  });

  it('after a stage switched: leaves everything in place and reports what is left', async () => {
    api.on(GetClientCertificatesCommand).resolves({ items: [cert('NEW', 365, ownTags())] });
    api.on(GetRestApisCommand).resolves({ items: [{ id: 'api1' }] });
    api.on(GetStagesCommand).resolves({ item: [{ stageName: 'prod', clientCertificateId: 'NEW' }, { stageName: 'dev', clientCertificateId: 'OLD' }] });
    api.on(GetClientCertificateCommand).resolves(cert('OLD'));
    trustStore(['OLD', 'NEW'], { v1: ['AWSCURRENT'], [CLAIM]: ['AWSPENDING'] });
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    const out = await undo(['prod', 'dev']);
    expect(api.commandCalls(DeleteClientCertificateCommand)).toHaveLength(0);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(out.kept.join('\n')).toMatch(/api1\/prod present the new certificate NEW[\s\S]*dev \(OLD\) not switched yet[\s\S]*old certificate OLD: still trusted, not deleted/);
  });
});

describe('the trust store lock', () => {
  const invalidParameter = () => new InvalidParameterException({ message: "The parameter RemoveFromVersionId doesn't match", $metadata: {} });

  it('claims with a value that names the rotation and trusts no certificate, reading the labels only', async () => {
    trustStore(['OLD']);
    sm.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSPENDING'] });
    expect(await claimTrustStore(deps.secrets, 'keyturn/trust', 'exec-1', deps.log)).toMatchObject({ claimVersionId: CLAIM, stored: true });
    expect(JSON.parse(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretString ?? '')).toEqual(claimValue('exec-1'));
    expect(claimValue('exec-1')).toEqual({ lockedBy: 'keyturn rotation exec-1', certificates: [] });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });

  it('takes the label back when the claim was stored and released before (the same token answers, unlabelled)', async () => {
    // DescribeSecret does not list an unlabelled version: the claim of an undone attempt is invisible to the read.
    trustStore(['OLD']);
    sm.on(PutSecretValueCommand).resolves({ VersionStages: [] });
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    expect(await claimTrustStore(deps.secrets, 'keyturn/trust', 'exec-1', deps.log)).toMatchObject({ stored: false });
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toEqual({ SecretId: 'keyturn/trust', VersionStage: 'AWSPENDING', MoveToVersionId: CLAIM });
  });

  it('stops before claiming when the trust store changed since step 1 (another rotation ran in between)', async () => {
    trustStore(['OLD'], { v2: ['AWSCURRENT'] });
    await expect(claimTrustStore(deps.secrets, 'keyturn/trust', 'exec-1', deps.log, { currentAtStart: 'v1' })).rejects.toThrow(/AWSCURRENT is v2, it was v1/);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('is RotationInProgressError when another rotation took the label between the read and the claim', async () => {
    trustStore(['OLD']);
    sm.on(PutSecretValueCommand).resolves({ VersionStages: [] });
    sm.on(UpdateSecretVersionStageCommand).rejects(invalidParameter());
    await expect(claimTrustStore(deps.secrets, 'keyturn/trust', 'exec-1', deps.log)).rejects.toBeInstanceOf(RotationInProgressError);
  });

  it('releases by naming its claim, without reading; a label that is not on the claim is left alone', async () => {
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    expect(await releaseTrustStore(deps.secrets, 'keyturn/trust', 'exec-1', deps.log)).toEqual({ released: true });
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toEqual({ SecretId: 'keyturn/trust', VersionStage: 'AWSPENDING', RemoveFromVersionId: CLAIM });
    sm.on(UpdateSecretVersionStageCommand).rejects(invalidParameter());
    expect(await releaseTrustStore(deps.secrets, 'keyturn/trust', 'exec-1', deps.log)).toEqual({ released: false });
    expect(sm.commandCalls(DescribeSecretCommand)).toHaveLength(0);
  });

  it('publishing is UnsafeStateError when the write answers that the version is not AWSCURRENT (the trust store changed after we published it)', async () => {
    // The same token and value is a no-op: the version stays where someone else's edit left it.
    sm.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSPREVIOUS'] });
    await expect(publishBundle(deps.secrets, { secretId: 'keyturn/trust', versionId: 'v-narrowed', bundle: { certificates: [] } }, deps.log)).rejects.toBeInstanceOf(UnsafeStateError);
    sm.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSCURRENT'] });
    await expect(publishBundle(deps.secrets, { secretId: 'keyturn/trust', versionId: 'v-narrowed', bundle: { certificates: [] } }, deps.log)).resolves.toBeUndefined();
  });
});
