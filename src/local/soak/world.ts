/**
 * The soak's dense world: 20 targets across every workflow, each seeded through the simulator's
 * AWS APIs as an account that already holds hand-made credentials would be, with daily schedules
 * and short key ages, so two simulated years hold many rotations of each.
 */
import { generateKeyPairSync } from 'node:crypto';
import { APIGatewayClient, CreateDeploymentCommand, CreateRestApiCommand, CreateStageCommand, GenerateClientCertificateCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient, CreateKeyGroupCommand, CreatePublicKeyCommand } from '@aws-sdk/client-cloudfront';
import { IAMClient, UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import { CreateBucketAccessKeyCommand, CreateBucketCommand, LightsailClient } from '@aws-sdk/client-lightsail';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { KeyturnConfig, Target } from '../../config/config-schema';
import { DAY_MS, ensureWebhookSecret, selfSignedCertificate, simSettings, withSimClockShifted } from '../demo/support';

export interface SoakWorld {
  config: KeyturnConfig;
  /** Key group → a public key that is not keyturn's: the racing writer adds and removes it. */
  foreignKeys: Record<string, string>;
}

/** CloudFront allows 10 public keys an account: 3 groups, each with up to 2 keyturn keys during a rotation, and one partner key. */
const CLOUDFRONT = 3;
const LIGHTSAIL = 9;
/** Days since each API's hand-made certificate was made (they fall due at different times). */
const APIGW_AGES = [340, 300, 250, 150, 60, 30];

export async function seedDenseWorld(simUrl: string): Promise<SoakWorld> {
  const settings = simSettings(simUrl);
  const cloudFront = new CloudFrontClient(settings);
  const secrets = new SecretsManagerClient(settings);
  const lightsail = new LightsailClient(settings);
  const apigw = new APIGatewayClient(settings);
  const slackWebhookSecretId = await ensureWebhookSecret(simUrl);
  const targets: Target[] = [];
  const foreignKeys: Record<string, string> = {};
  const target = (name: string, workflow: string, input: Record<string, unknown>, schedule = 'rate(1 day)'): Target => ({
    name,
    workflow,
    // The workflows that take a config target get it, as the config gives it (import-iam-server-cert takes none).
    input: { ...input, ...(workflow === 'import-iam-server-cert' ? {} : { target: name }), slackWebhookSecretId },
    schedule,
    enabled: true,
    inputCheck: 'workflow',
  });

  for (let i = 0; i < CLOUDFRONT; i += 1) {
    const name = `soak-signing-${i}`;
    const pair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const handMade = pair();
    const legacy = await cloudFront.send(new CreatePublicKeyCommand({ PublicKeyConfig: { Name: `${name}-by-hand`, CallerReference: `${name}-by-hand`, EncodedKey: handMade.publicKey } }));
    const group = await cloudFront.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: name, Items: [legacy.PublicKey!.Id!] } }));
    if (i === 0) {
      // A partner's key, which the racing writer adds to this group and takes out again.
      const foreign = await cloudFront.send(new CreatePublicKeyCommand({ PublicKeyConfig: { Name: `${name}-partner`, CallerReference: `${name}-partner`, EncodedKey: pair().publicKey } }));
      foreignKeys[group.KeyGroup!.Id!] = foreign.PublicKey!.Id!;
    }
    const secretId = `keyturn/cloudfront/${name}`;
    await secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ privateKey: handMade.privateKey, publicKeyId: legacy.PublicKey!.Id }) }));
    targets.push(target(name, 'rotate-cloudfront-key', { keyGroupId: group.KeyGroup!.Id, secretId, maxKeyAgeDays: 3 + (i % 5), graceSeconds: 3600, testUrlBase: `${simUrl}/_sim/cloudfront/${group.KeyGroup!.Id}` }));
  }

  for (let i = 0; i < LIGHTSAIL; i += 1) {
    const bucketName = `soak-uploads-${i}`;
    await lightsail.send(new CreateBucketCommand({ bucketName, bundleId: 'small_1_0' }));
    await lightsail.send(new CreateBucketAccessKeyCommand({ bucketName }));
    targets.push(target(bucketName, 'rotate-lightsail-bucket-key', { bucketName, secretId: `keyturn/lightsail/${bucketName}`, maxKeyAgeDays: 3 + (i % 4), graceSeconds: 3600 }));
  }

  for (const [i, age] of APIGW_AGES.entries()) {
    const name = `soak-api-${i}`;
    const old = await withSimClockShifted(simUrl, -age * 86_400, () => apigw.send(new GenerateClientCertificateCommand({ description: `${name}, by hand` })));
    const api = await apigw.send(new CreateRestApiCommand({ name }));
    const deployment = await apigw.send(new CreateDeploymentCommand({ restApiId: api.id! }));
    await apigw.send(new CreateStageCommand({ restApiId: api.id!, stageName: 'prod', deploymentId: deployment.id! }));
    await apigw.send(new UpdateStageCommand({ restApiId: api.id!, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/clientCertificateId', value: old.clientCertificateId! }] }));
    const trustStoreSecretId = `keyturn/apigw/${name}-trust-store`;
    const bundle = { certificates: [{ clientCertificateId: old.clientCertificateId, pemEncodedCertificate: old.pemEncodedCertificate, expirationDate: old.expirationDate?.toISOString() }] };
    await secrets.send(new CreateSecretCommand({ Name: trustStoreSecretId, SecretString: JSON.stringify(bundle) }));
    targets.push(target(name, 'rotate-apigw-client-cert', { restApiId: api.id, trustStoreSecretId, renewBeforeDays: 30, graceSeconds: 600 }));
  }

  const iam = new IAMClient(settings);
  const now = Date.now();
  for (const [name, daysLeft] of [['soak-www', 20], ['soak-api', 200], ['soak-old', 600]] as const) {
    const cert = await selfSignedCertificate(`${name}.example.com`, new Date(now - DAY_MS), new Date(now + daysLeft * DAY_MS));
    await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: name, CertificateBody: cert.certificatePem, PrivateKey: cert.privateKeyPem }));
  }
  targets.push(target('soak-expiry', 'check-iam-cert-expiry', { thresholdsDays: [30, 7, 1] }, 'cron(0 8 * * ? *)'));
  // Valid past the soak's two years: the import of a certificate that has expired is refused.
  const renewed = await selfSignedCertificate('soak-www.example.com', new Date(now - DAY_MS), new Date(now + 1000 * DAY_MS));
  await secrets.send(new CreateSecretCommand({ Name: 'keyturn/certificates/soak-www', SecretString: JSON.stringify({ certificateBody: renewed.certificatePem, privateKey: renewed.privateKeyPem }) }));
  targets.push(target('soak-import', 'import-iam-server-cert', { sourceSecretId: 'keyturn/certificates/soak-www', serverCertificateName: 'soak-www-renewed', renews: 'soak-www' }, 'cron(30 9 * * ? *)'));

  return {
    config: { file: '(the soak world)', stage: 'soak', region: settings.region, slackWebhookSecretId, slackWebhookUrlPrefixes: [], targets },
    foreignKeys,
  };
}
