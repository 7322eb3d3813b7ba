/**
 * The steps of `rotate-apigw-client-cert`, one function per Task, in AWS's documented order:
 * generate → trust the new certificate beside the old → switch the stages → stop trusting the
 * old → delete the old. Each step reads the world first and returns early when its effect is
 * already there, so a retry or a rerun with the same rotationId converges
 * (invariant 4). What a rerun needs is kept in AWS, not in the execution: the new certificate
 * carries the rotation's tag and the ids it replaces; the trust store holds the lock.
 *
 * Results carry ids only; PEMs go from API Gateway to the trust store and nowhere else.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError, QuotaExceededError, UnsafeStateError } from '../errors';
import type { Log } from '../logger';
import { notifiedIn, type SecretsClient } from '../secrets/credential-store';
import { assertNoOtherRotation } from '../rotation/lock';
import {
  deleteClientCertificate,
  ensureCertificateRoom,
  findCertificatesTagged,
  generateClientCertificate,
  getClientCertificate,
  listClientCertificates,
  MAX_CLIENT_CERTIFICATES,
  type ApiGatewayApi,
  type ClientCertificate,
} from './client-certificates';
import { MixedStageCertificatesError, type StageCertificate } from './errors';
import type { RotationConfig } from './rotation-config';
import { listStages, listStagesOfApi, stagesUsingCertificates, switchStageCertificate } from './stages';
import {
  bundleHolds,
  claimTrustStore,
  ownTrustStoreVersions,
  publishBundle,
  readCurrentBundle,
  readTrustStore,
  readTrustStoreLabelsIfAny,
  type TrustBundle,
  releaseTrustStore,
  trustStoreLock,
  trustStoreVersions,
} from './trust-store';
import type { RotationLock } from '../rotation/lock';
import type { RotationTarget } from '../rotation/undo';

export interface RotationDeps {
  apiGateway: ApiGatewayApi;
  secrets: SecretsClient;
  log: Log;
  now: () => Date;
}

export const MANAGED_TAG = 'managed-by';
export const ROTATION_TAG = 'keyturn:rotation';
export const REPLACES_TAG = 'keyturn:replaces';
/** Tag values allow letters, digits and `+ - = . _ : /`; certificate ids are letters and digits. */
const ID_SEPARATOR = '/';
const DAY_MS = 86_400_000;

/** The tag value that marks this rotation's certificate (execution names may hold characters tags don't allow). */
export function rotationTagValue(rotationId: string): string {
  return createHash('sha256').update(rotationId).digest('hex').slice(0, 40);
}

/** This rotation's certificates, oldest first (more than one only if a lost response made the SDK retry a generate). */
const ownCertificates = (deps: RotationDeps, rotationId: string) =>
  findCertificatesTagged(deps.apiGateway, ROTATION_TAG, rotationTagValue(rotationId));

const replacedIds = (certificate: ClientCertificate): string[] =>
  (certificate.tags[REPLACES_TAG] ?? '').split(ID_SEPARATOR).filter((id) => id && id !== 'none');

export interface Assessment {
  due: boolean;
  /** `resume`: a rerun of a rotation that already generated its certificate. */
  phase: 'rotate' | 'resume' | 'none';
  reason: string;
  /** Days until the earliest of the old certificates expires; null when unknown or resuming. */
  expiresInDays: number | null;
  /** The stages this rotation switches. */
  stageNames: string[];
  /** The certificates those stages presented before the rotation. */
  oldCertificateIds: string[];
  newCertificateId: string | null;
  /** What step 1 read that later steps reuse instead of reading again (ids, counts and flags). */
  known: KnownAtStart;
}

/** What step 1 read that travels in the state (`$.assessment.known`). */
export interface KnownAtStart {
  /** The account's client certificates when step 1 listed them (the quota of 60, checked before generating). */
  certificateCount: number;
  /** Whether step 1 found a certificate of this rotation (a rerun resuming it). */
  resuming: boolean;
  /** Whether Slack was told of this rotation (the trust store's tag, which DescribeSecret returns with the labels). */
  notified: boolean;
  /**
   * The trust store's AWSCURRENT version step 1 saw: the step that takes the lock stops if it moved
   * (another rotation ran between step 1 and this one's lock, and the stages no longer present the
   * certificate step 1 would retire; or a person edited the trust store: then a later run rotates).
   * Null: the trust store did not exist yet (or had no value), and step 2 creates it.
   */
  trustStoreVersionId?: string | null;
}

/** The stages to rotate: the named ones (each must exist), or every stage, which must then share one certificate. */
function selectStages(config: RotationConfig, stages: StageCertificate[]): StageCertificate[] {
  if (config.stageNames) {
    return config.stageNames.map((name) => {
      const stage = stages.find((s) => s.stageName === name);
      if (!stage) throw new InvalidInputError('stageNames', `stage ${name} does not exist on REST API ${config.restApiId}`);
      return stage;
    });
  }
  if (stages.length === 0) throw new InvalidInputError('restApiId', `REST API ${config.restApiId} has no stages`);
  const certificates = new Set(stages.map((s) => s.clientCertificateId));
  if (certificates.size > 1 || certificates.has(null)) throw new MixedStageCertificatesError(config.restApiId, stages);
  return stages;
}

/** Step 1: which certificate do the stages use, and is it due? Also checks the rotation lock. */
export async function findCertificateInUse(deps: RotationDeps, config: RotationConfig): Promise<Assessment> {
  const { restApiId, rotationId } = config;
  // GetStages answers NotFoundException for an unknown API: no GetRestApi first.
  const stages = await listStagesOfApi(deps.apiGateway, restApiId);
  // The labels only (the lock, "Slack told?"): the bundle is read where it is changed, from step 2 on.
  // None yet: step 2 creates the trust store, trusting what the stages present.
  const labels = await readTrustStoreLabelsIfAny(deps.secrets, config.trustStoreSecretId);
  assertNoOtherRotation(labels, ownTrustStoreVersions(rotationId));

  // One listing answers three questions: is there a certificate of this rotation (a rerun), when
  // do the old ones expire, and is there room for one more (the quota, checked in step 2).
  const certificates = await listClientCertificates(deps.apiGateway);
  const tag = rotationTagValue(rotationId);
  const [own] = certificates.filter((c) => c.tags[ROTATION_TAG] === tag);
  const known: KnownAtStart = {
    certificateCount: certificates.length,
    resuming: own !== undefined,
    notified: notifiedIn(labels, rotationId),
    trustStoreVersionId: labels?.currentVersionId ?? null,
  };
  if (own) {
    const oldCertificateIds = replacedIds(own);
    const related = new Set([own.clientCertificateId, ...oldCertificateIds]);
    const stageNames = config.stageNames ?? stages.filter((s) => s.clientCertificateId && related.has(s.clientCertificateId)).map((s) => s.stageName);
    return {
      due: true,
      phase: 'resume',
      reason: `resuming rotation ${rotationId}: certificate ${own.clientCertificateId} already generated`,
      expiresInDays: null,
      stageNames,
      oldCertificateIds,
      newCertificateId: own.clientCertificateId,
      known,
    };
  }

  const target = selectStages(config, stages);
  const stageNames = target.map((s) => s.stageName);
  const oldCertificateIds = [...new Set(target.map((s) => s.clientCertificateId).filter((id): id is string => id !== null))];
  const result = (due: boolean, reason: string, expiresInDays: number | null): Assessment => ({
    due,
    phase: due ? 'rotate' : 'none',
    reason,
    expiresInDays,
    stageNames,
    oldCertificateIds,
    newCertificateId: null,
    known,
  });

  const bare = target.filter((s) => !s.clientCertificateId).map((s) => s.stageName);
  if (bare.length) return result(true, `stage(s) ${bare.join(', ')} present no client certificate`, null);
  let earliest: { id: string; expiresAt: number } | undefined;
  for (const id of oldCertificateIds) {
    const certificate = certificates.find((c) => c.clientCertificateId === id) ?? (await getClientCertificate(deps.apiGateway, id));
    if (!certificate) return result(true, `client certificate ${id} no longer exists`, null);
    const expiresAt = Date.parse(certificate.expirationDate);
    if (!earliest || expiresAt < earliest.expiresAt) earliest = { id, expiresAt };
  }
  if (!earliest) return result(true, 'no client certificate in use', null);
  const msLeft = earliest.expiresAt - deps.now().getTime();
  const expiresInDays = Math.floor(msLeft / DAY_MS);
  if (config.force) return result(true, `forced (client certificate ${earliest.id} expires in ${expiresInDays} days)`, expiresInDays);
  if (msLeft <= config.renewBeforeDays * DAY_MS) {
    return result(true, `client certificate ${earliest.id} expires in ${expiresInDays} days (renew ${config.renewBeforeDays} days before)`, expiresInDays);
  }
  return result(false, `client certificate ${earliest.id} expires in ${expiresInDays} days; renewal due ${config.renewBeforeDays} days before`, expiresInDays);
}

export interface NewCertificate {
  clientCertificateId: string;
  expirationDate: string;
  generated: boolean;
}

/**
 * Step 2: take the trust store's lock, check the quota, generate the certificate (tagged with the
 * rotation and the ids it replaces). Adopts the certificate an earlier attempt generated.
 *
 * `known` (step 1's reads): the quota is checked from its count, and the listing of this
 * rotation's certificates is skipped when step 1 found none and the claim is freshly stored by
 * this very call (the claim is written before any certificate, so none can exist yet); a retried
 * step finds its claim already there, and then lists.
 */
export async function generateNewCertificate(
  deps: RotationDeps,
  config: RotationConfig,
  assessment: Pick<Assessment, 'stageNames' | 'oldCertificateIds'>,
  known?: Pick<KnownAtStart, 'certificateCount' | 'resuming' | 'trustStoreVersionId'>,
): Promise<NewCertificate> {
  const claim = () =>
    claimTrustStore(deps.secrets, config.trustStoreSecretId, config.rotationId, deps.log, {
      ...(known?.trustStoreVersionId !== undefined ? { currentAtStart: known.trustStoreVersionId } : {}),
      ...trustStoreFirstBundle(deps, config, assessment.oldCertificateIds),
    });
  const adopt = async (own: ClientCertificate, extra: ClientCertificate[]): Promise<NewCertificate> => {
    // A lost response made the SDK generate twice: nobody knows the extra ones' ids, so nothing uses them.
    for (const duplicate of extra) await deleteClientCertificate(deps.apiGateway, duplicate.clientCertificateId, deps.log);
    await claim();
    return { clientCertificateId: own.clientCertificateId, expirationDate: own.expirationDate, generated: false };
  };
  if (!known || known.resuming) {
    const [own, ...extra] = await ownCertificates(deps, config.rotationId);
    if (own) return adopt(own, extra);
  }
  if (known) {
    // Quota first, from step 1's count (invariant 6), then the lock (read, then written): a refused rotation changes nothing.
    if (known.certificateCount >= MAX_CLIENT_CERTIFICATES) {
      throw new QuotaExceededError(
        `the account already holds ${known.certificateCount} of ${MAX_CLIENT_CERTIFICATES} API Gateway client certificates: delete unused ones before rotating`,
      );
    }
    const { stored } = await claim();
    if (!stored && !known.resuming) {
      const [own, ...extra] = await ownCertificates(deps, config.rotationId);
      if (own) return adopt(own, extra);
    }
  } else {
    // Lock first (read only), quota next, then the writes: a refused rotation changes nothing.
    const labels = await readTrustStoreLabelsIfAny(deps.secrets, config.trustStoreSecretId);
    assertNoOtherRotation(labels, ownTrustStoreVersions(config.rotationId));
    await ensureCertificateRoom(deps.apiGateway);
    await claimTrustStore(deps.secrets, config.trustStoreSecretId, config.rotationId, deps.log, trustStoreFirstBundle(deps, config, assessment.oldCertificateIds));
  }

  const date = deps.now().toISOString().slice(0, 10);
  const description = `keyturn: client certificate of REST API ${config.restApiId} (${assessment.stageNames.join(', ')}), generated ${date}`;
  const certificate = await generateClientCertificate(
    deps.apiGateway,
    {
      description: description.slice(0, 1000),
      tags: {
        ...config.tags,
        [MANAGED_TAG]: 'keyturn',
        [ROTATION_TAG]: rotationTagValue(config.rotationId),
        [REPLACES_TAG]: assessment.oldCertificateIds.join(ID_SEPARATOR).slice(0, 256) || 'none',
      },
    },
    deps.log,
  );
  return { clientCertificateId: certificate.clientCertificateId, expirationDate: certificate.expirationDate, generated: true };
}

/**
 * What a trust store keyturn creates holds first: the certificates the stages present now (public
 * PEMs, read from API Gateway), so the backend reading it keeps trusting them.
 */
function trustStoreFirstBundle(deps: RotationDeps, config: RotationConfig, oldCertificateIds: readonly string[]) {
  return {
    description: `Trust store of the client certificates of REST API ${config.restApiId} (kept by keyturn)`,
    ...(config.kmsKeyArn ? { kmsKeyId: config.kmsKeyArn } : {}),
    firstBundle: async (): Promise<TrustBundle> => {
      const certificates = [];
      for (const id of oldCertificateIds) {
        const certificate = await getClientCertificate(deps.apiGateway, id);
        if (certificate) certificates.push({ clientCertificateId: id, pemEncodedCertificate: certificate.pemEncodedCertificate, expirationDate: certificate.expirationDate });
      }
      return { certificates };
    },
  };
}

async function requireOwnCertificate(deps: RotationDeps, clientCertificateId: string): Promise<ClientCertificate> {
  const certificate = await getClientCertificate(deps.apiGateway, clientCertificateId);
  if (!certificate) throw new UnsafeStateError(`client certificate ${clientCertificateId} no longer exists`);
  return certificate;
}

/** Step 3: the backend trusts the new certificate beside the old one(s). */
export async function addNewCertificateToTrustStore(
  deps: RotationDeps,
  config: RotationConfig,
  clientCertificateId: string,
  /** The certificates the stages present now: the backend should trust them already (a warning if not). */
  oldCertificateIds: readonly string[] = [],
): Promise<{ changed: boolean; versionId: string }> {
  const secretId = config.trustStoreSecretId;
  const state = await readTrustStore(deps.secrets, secretId);
  assertNoOtherRotation(state.versions, ownTrustStoreVersions(config.rotationId));
  for (const id of oldCertificateIds.filter((id) => !bundleHolds(state.bundle, id))) {
    deps.log.warn('the trust store does not hold the certificate the stages use', { restApiId: config.restApiId, clientCertificateId: id });
  }
  if (bundleHolds(state.bundle, clientCertificateId)) return { changed: false, versionId: state.currentVersionId };
  // The PEM is read here, not carried from step 2: no PEM in the execution's history (invariant 2, docs/design.md).
  const certificate = await requireOwnCertificate(deps, clientCertificateId);
  const versionId = trustStoreVersions(config.rotationId, clientCertificateId).widened;
  const entry = { clientCertificateId, pemEncodedCertificate: certificate.pemEncodedCertificate, expirationDate: certificate.expirationDate };
  await publishBundle(deps.secrets, { secretId, versionId, bundle: { ...state.bundle, certificates: [...state.bundle.certificates, entry] } }, deps.log);
  return { changed: true, versionId };
}

/** Step 4 (after the backend reloaded its trust store): every stage presents the new certificate, verified by UpdateStage's answer. */
export async function switchStages(
  deps: RotationDeps,
  config: RotationConfig,
  stageNames: readonly string[],
  clientCertificateId: string,
): Promise<{ switched: string[] }> {
  // After the wait: is the new certificate still trusted? The value the backend reads answers; no labels needed.
  const bundle = await readCurrentBundle(deps.secrets, config.trustStoreSecretId);
  if (!bundleHolds(bundle, clientCertificateId)) {
    throw new UnsafeStateError(`the trust store ${config.trustStoreSecretId} does not trust ${clientCertificateId}: switching would cut the backend off`);
  }
  for (const stageName of stageNames) await switchStageCertificate(deps.apiGateway, config.restApiId, stageName, clientCertificateId, deps.log);
  return { switched: [...stageNames] };
}

export interface KeptCertificate {
  clientCertificateId: string;
  usedBy: string[];
}

/**
 * Invariant 7 for client certificates, in one place: an old certificate is retired (untrusted,
 * deleted) only when no stage of any API presents it; the others are kept, with the stages that
 * use them. Steps 5 and 6 and the dry run's plan all decide by this.
 */
export function retirementOf(oldCertificateIds: readonly string[], usedBy: Record<string, string[]>): { unused: string[]; kept: KeptCertificate[] } {
  const unused = oldCertificateIds.filter((id) => !usedBy[id]?.length);
  const kept = oldCertificateIds.filter((id) => usedBy[id]?.length).map((id) => ({ clientCertificateId: id, usedBy: usedBy[id] ?? [] }));
  return { unused, kept };
}

/**
 * Step 5 (after the wait): the backend stops trusting the old certificates, except one a stage
 * of any API still presents (cutting it off would break that stage). Then releases the lock.
 */
export async function removeOldCertificatesFromTrustStore(
  deps: RotationDeps,
  config: RotationConfig,
  oldCertificateIds: readonly string[],
  newCertificateId: string,
): Promise<{ removed: string[]; keptInTrustStore: KeptCertificate[]; released: boolean }> {
  const secretId = config.trustStoreSecretId;
  // The bundle only: publishing answers "changed since we published?" and releasing names our claim, so no labels.
  const bundle = await readCurrentBundle(deps.secrets, secretId);
  if (!bundleHolds(bundle, newCertificateId)) throw new UnsafeStateError(`the trust store ${secretId} no longer trusts ${newCertificateId}`);
  const { unused, kept: keptInTrustStore } = retirementOf(oldCertificateIds, await stagesUsingCertificates(deps.apiGateway, oldCertificateIds));
  const removed = unused.filter((id) => bundleHolds(bundle, id));
  if (removed.length) {
    const versionId = trustStoreVersions(config.rotationId, newCertificateId).narrowed;
    const certificates = bundle.certificates.filter((c) => !removed.includes(c.clientCertificateId));
    await publishBundle(deps.secrets, { secretId, versionId, bundle: { ...bundle, certificates } }, deps.log);
  }
  const { released } = await releaseTrustStore(deps.secrets, secretId, config.rotationId, deps.log);
  return { removed, keptInTrustStore, released };
}

/** Step 6: delete each old certificate that no stage of any API in the account presents (checked, not assumed). */
export async function deleteOldCertificates(
  deps: RotationDeps,
  oldCertificateIds: readonly string[],
  /**
   * The certificates step 5 found still presented (it checked every stage of every API moments
   * ago, with no wait since): the others are deleted without listing the stages again.
   */
  keptByStep5?: readonly KeptCertificate[],
): Promise<{ deleted: string[]; alreadyGone: string[]; kept: KeptCertificate[] }> {
  const usedBy = keptByStep5
    ? Object.fromEntries(keptByStep5.map((k) => [k.clientCertificateId, [...k.usedBy]]))
    : await stagesUsingCertificates(deps.apiGateway, oldCertificateIds);
  const { unused, kept } = retirementOf(oldCertificateIds, usedBy);
  const out = { deleted: [] as string[], alreadyGone: [] as string[], kept };
  for (const { clientCertificateId, usedBy } of kept) deps.log.info('old client certificate still in use: kept', { clientCertificateId, usedBy });
  for (const id of unused) {
    if ((await deleteClientCertificate(deps.apiGateway, id, deps.log)) === 'deleted') out.deleted.push(id);
    else out.alreadyGone.push(id);
  }
  return out;
}

/**
 * The compensation's view of an API Gateway rotation (src/rotation/undo.ts, invariant 3): the
 * lock is the trust store's claim version; what it made is the client certificates named after
 * the rotation. Before any stage presents one, they leave the trust store and are deleted. Once a
 * stage presents one, it is in use and trusted: the stages stay on it and the undo reports what
 * is left to finish.
 */
export function undoAdapter(
  deps: RotationDeps,
  config: RotationConfig,
  stageNames: readonly string[],
): { target: RotationTarget<ClientCertificate[]>; lock: RotationLock } {
  const secretId = config.trustStoreSecretId;
  return {
    lock: trustStoreLock(deps.secrets, secretId, config.rotationId, deps.log),
    target: {
      credential: 'client certificate',
      logFields: { restApiId: config.restApiId },
      async findOwn() {
        const own = await ownCertificates(deps, config.rotationId);
        return own.length ? own : undefined;
      },
      async inUse(own) {
        const ownIds = own.map((c) => c.clientCertificateId);
        const usedBy = await stagesUsingCertificates(deps.apiGateway, ownIds);
        const presented = ownIds.filter((id) => usedBy[id]?.length);
        if (!presented.length) return [];
        const kept = presented.map((id) => `stage(s) ${usedBy[id]!.join(', ')} present the new certificate ${id}, which the trust store trusts: left on it`);
        const stages = await listStages(deps.apiGateway, config.restApiId);
        const behind = stages.filter((s) => stageNames.includes(s.stageName) && !presented.includes(s.clientCertificateId ?? ''));
        if (behind.length) kept.push(`stage(s) ${behind.map((s) => `${s.stageName} (${s.clientCertificateId ?? 'none'})`).join(', ')} not switched yet`);
        const bundle = await readCurrentBundle(deps.secrets, secretId);
        for (const id of replacedIds(own[0]!)) {
          const exists = (await getClientCertificate(deps.apiGateway, id)) !== undefined;
          kept.push(`old certificate ${id}: ${bundleHolds(bundle, id) ? 'still trusted' : 'no longer trusted'}, ${exists ? 'not deleted' : 'deleted'}`);
        }
        kept.push(`rerun with rotationId ${config.rotationId} to finish the rotation`);
        return kept;
      },
      async removeOwn(own) {
        const undone: string[] = [];
        const ownIds = own.map((c) => c.clientCertificateId);
        const bundle = await readCurrentBundle(deps.secrets, secretId);
        const trusted = ownIds.filter((id) => bundleHolds(bundle, id));
        if (trusted.length) {
          const versionId = trustStoreVersions(config.rotationId, trusted[0]).restored;
          const certificates = bundle.certificates.filter((c) => !trusted.includes(c.clientCertificateId));
          await publishBundle(deps.secrets, { secretId, versionId, bundle: { ...bundle, certificates } }, deps.log);
          undone.push(`took the new certificate ${trusted.join(', ')} out of the trust store`);
        }
        for (const id of ownIds) {
          if ((await deleteClientCertificate(deps.apiGateway, id, deps.log)) === 'deleted') undone.push(`deleted the new client certificate ${id}`);
        }
        return { undone, kept: [] };
      },
    },
  };
}

/** What a dry run reports (`dryRun: true`): what the real run would do, decided by its own rules from reads only. */
export interface RotationPlan {
  dryRun: true;
  restApiId: string;
  wouldRotate: boolean;
  reason: string;
  stageNames: string[];
  /** Client certificates the rotation would delete (after the grace period): those no stage of any API would still present. */
  wouldDelete: string[];
  /** Whether Slack would be told. */
  wouldAlert: boolean;
}

/**
 * Who would present each old certificate once this rotation switched its stages: the stages of
 * every API that present it now, less the ones the rotation moves to the new certificate.
 */
export function usersAfterSwitch(usedBy: Record<string, string[]>, restApiId: string, stageNames: readonly string[]): Record<string, string[]> {
  const switched = new Set(stageNames.map((stageName) => `${restApiId}/${stageName}`));
  return Object.fromEntries(Object.entries(usedBy).map(([id, stages]) => [id, stages.filter((stage) => !switched.has(stage))]));
}

/** The dry run: the assessment plus step 6's own rule (retirementOf) on the stages as they would be after the switch; reads only. */
export async function rotationPlanOf(deps: RotationDeps, config: RotationConfig, assessment: Assessment): Promise<RotationPlan> {
  if (!assessment.due) return rotationPlan(config, assessment, []);
  const usedBy = await stagesUsingCertificates(deps.apiGateway, assessment.oldCertificateIds);
  const { unused } = retirementOf(assessment.oldCertificateIds, usersAfterSwitch(usedBy, config.restApiId, assessment.stageNames));
  return rotationPlan(config, assessment, unused);
}

export function rotationPlan(config: RotationConfig, assessment: Assessment, wouldDelete: string[]): RotationPlan {
  return {
    dryRun: true,
    restApiId: config.restApiId,
    wouldRotate: assessment.due,
    reason: assessment.reason,
    stageNames: assessment.stageNames,
    wouldDelete: assessment.due ? wouldDelete : [],
    wouldAlert: assessment.due && config.slackWebhookSecretId !== undefined,
  };
}
