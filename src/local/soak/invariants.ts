/**
 * The soak's daily look at the world, through the simulator's AWS APIs (docs/design.md's
 * invariants, as the soak can see them from outside): every target's AWSCURRENT works on its
 * resource, the quotas and keyturn's own bounds hold, no AWSPENDING outlives its execution, secret
 * versions stay bounded, and no credential is older than its due date and one schedule period.
 * A breach is recorded with the day and the target; the maxima are kept for docs/soak.md.
 */
import { APIGatewayClient, GetStagesCommand } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient, GetKeyGroupCommand, ListPublicKeysCommand } from '@aws-sdk/client-cloudfront';
import { GetBucketAccessKeysCommand, LightsailClient } from '@aws-sdk/client-lightsail';
import { GetSecretValueCommand, ListSecretVersionIdsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Target } from '../../config/config-schema';
import { simSettings } from '../demo/support';

const DAY_MS = 86_400_000;
/**
 * Secrets Manager keeps at most 100 versions without a label (it drops the oldest beyond that once
 * they are a day old): with AWSCURRENT, AWSPREVIOUS and a rotation's AWSPENDING, a secret that
 * rotates forever holds at most 103. keyturn deletes no version itself.
 */
export const MAX_VERSIONS_PER_SECRET = 103;
/**
 * How long past its due date a credential may be seen: one schedule period (a daily check sees a
 * key due at the next firing) and six hours for the runs queued behind other runs' grace periods;
 * each of the target's runs that failed meanwhile (an injected fault) adds a period: its rerun
 * comes the next day.
 */
export const LATENESS_ALLOWED_MS = DAY_MS + 6 * 3_600_000;

export interface WorldMaxima {
  keyturnKeysPerKeyGroup: number;
  keysPerBucket: number;
  certificatesPerTrustStore: number;
  versionsPerSecret: number;
  /** How long past its due date a credential was seen (ms). */
  lateness: number;
}

export interface Breach {
  day: string;
  target: string;
  rule: string;
}

export class WorldWatch {
  readonly maxima: WorldMaxima = { keyturnKeysPerKeyGroup: 0, keysPerBucket: 0, certificatesPerTrustStore: 0, versionsPerSecret: 0, lateness: 0 };
  readonly breaches: Breach[] = [];
  checks = 0;
  private readonly cloudFront: CloudFrontClient;
  private readonly lightsail: LightsailClient;
  private readonly apigw: APIGatewayClient;
  private readonly secrets: SecretsManagerClient;

  constructor(simUrl: string) {
    // The soak's injected faults hit the watcher's reads too: it retries through them (and so
    // takes some of them from keyturn's runs).
    const settings = { ...simSettings(simUrl), maxAttempts: 20 };
    this.cloudFront = new CloudFrontClient(settings);
    this.lightsail = new LightsailClient(settings);
    this.apigw = new APIGatewayClient(settings);
    this.secrets = new SecretsManagerClient(settings);
  }

  /**
   * Looks at every rotation target; `now` is the simulated time, `failedRuns(target, since)` how
   * many of the target's runs failed since that instant.
   */
  async check(targets: readonly Target[], now: Date, failedRuns: (target: string, since: number) => number = () => 0): Promise<void> {
    this.checks += 1;
    const day = now.toISOString().slice(0, 10);
    const breach = (target: string, rule: string) => this.breaches.push({ day, target, rule });
    for (const target of targets) {
      const input = target.input as Record<string, unknown>;
      const secretId = String(input.secretId ?? input.trustStoreSecretId ?? '');
      if (!secretId) continue;
      const versions = await this.versions(secretId);
      if (!versions) continue; // not rotated yet (no secret)
      this.maxima.versionsPerSecret = Math.max(this.maxima.versionsPerSecret, versions.count);
      if (versions.count > MAX_VERSIONS_PER_SECRET) breach(target.name, `${versions.count} versions of its secret`);
      if (versions.pending) breach(target.name, 'an AWSPENDING version outlived its execution');
      const current = JSON.parse((await this.secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString ?? '{}') as Record<string, unknown>;
      if (target.workflow === 'rotate-cloudfront-key') {
        const group = await this.cloudFront.send(new GetKeyGroupCommand({ Id: String(input.keyGroupId) }));
        const items = group.KeyGroup?.KeyGroupConfig?.Items ?? [];
        if (!items.includes(String(current.publicKeyId))) breach(target.name, "AWSCURRENT's public key is not in its key group");
        const names = new Map((await this.cloudFront.send(new ListPublicKeysCommand({ MaxItems: 1000 }))).PublicKeyList?.Items?.map((k) => [k.Id!, k.Name!]) ?? []);
        const keyturnKeys = items.filter((id) => names.get(id)?.startsWith('keyturn-')).length;
        this.maxima.keyturnKeysPerKeyGroup = Math.max(this.maxima.keyturnKeysPerKeyGroup, keyturnKeys);
        if (keyturnKeys > 2) breach(target.name, `${keyturnKeys} keyturn keys in one key group`);
      } else if (target.workflow === 'rotate-lightsail-bucket-key') {
        const keys = (await this.lightsail.send(new GetBucketAccessKeysCommand({ bucketName: String(input.bucketName) }))).accessKeys ?? [];
        this.maxima.keysPerBucket = Math.max(this.maxima.keysPerBucket, keys.length);
        if (keys.length > 2) breach(target.name, `${keys.length} access keys on one bucket`);
        if (!keys.some((k) => k.accessKeyId === current.accessKeyId && k.status === 'Active')) breach(target.name, "AWSCURRENT's access key is not an active key of its bucket");
      } else if (target.workflow === 'rotate-apigw-client-cert') {
        const trusted = ((current.certificates ?? []) as { clientCertificateId?: string }[]).map((c) => c.clientCertificateId);
        this.maxima.certificatesPerTrustStore = Math.max(this.maxima.certificatesPerTrustStore, trusted.length);
        if (trusted.length > 2) breach(target.name, `${trusted.length} certificates in one trust store`);
        const stages = (await this.apigw.send(new GetStagesCommand({ restApiId: String(input.restApiId) }))).item ?? [];
        for (const stage of stages) if (stage.clientCertificateId && !trusted.includes(stage.clientCertificateId)) breach(target.name, `stage ${stage.stageName} presents a certificate its trust store does not hold`);
      }
      if (typeof input.maxKeyAgeDays === 'number') {
        const due = versions.currentCreated + input.maxKeyAgeDays * DAY_MS;
        const lateness = now.getTime() - due;
        this.maxima.lateness = Math.max(this.maxima.lateness, lateness);
        const failed = lateness > 0 ? failedRuns(target.name, due) : 0;
        if (lateness > LATENESS_ALLOWED_MS + failed * DAY_MS) breach(target.name, `credential ${(lateness / DAY_MS).toFixed(1)} days past its due date (${failed} failed runs since)`);
      }
    }
  }

  private async versions(secretId: string): Promise<{ count: number; pending: boolean; currentCreated: number } | undefined> {
    try {
      const all = [];
      let nextToken: string | undefined;
      do {
        const page = await this.secrets.send(new ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: true, MaxResults: 100, NextToken: nextToken }));
        all.push(...(page.Versions ?? []));
        nextToken = page.NextToken;
      } while (nextToken);
      const current = all.find((v) => v.VersionStages?.includes('AWSCURRENT'));
      return { count: all.length, pending: all.some((v) => v.VersionStages?.includes('AWSPENDING')), currentCreated: current?.CreatedDate?.getTime() ?? 0 };
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }
}
