/**
 * What every demo scenario needs from the simulator: SDK settings that reach it, its admin API,
 * the shared Slack webhook secret, and real certificates for the IAM scenarios.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { CreateSecretCommand, ResourceExistsException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const DAY_MS = 86_400_000;

/**
 * The ids keyturn.config.yml names for the demo account's resources: the scenarios create them
 * with these ids (the simulator's `POST /_sim/next-ids`), so the committed config plans and runs
 * against the seeded world (test/demo-config.test.ts).
 */
export const DEMO_IDS = { keyGroupId: '3f2b1c6e-7d4a-4b8e-9c1a-0e5d2f7a8b90', restApiId: 'a1b2c3d4e5' } as const;
export const WEBHOOK_SECRET_ID = 'keyturn/slack/webhook';

/** SDK client settings that reach the simulator at `simUrl`. */
export function simSettings(simUrl: string): { endpoint: string; region: string } {
  return { endpoint: simUrl, region: process.env.AWS_REGION ?? 'us-east-1' };
}

/** POST to the simulator's admin API (`/_sim/...`). */
export async function simAdmin(simUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${simUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`simulator admin ${path}: HTTP ${res.status}`);
}

/** Runs `fn` with the simulator's clock set `seconds` from the current offset, then restores it. */
export async function withSimClockShifted<T>(simUrl: string, seconds: number, fn: () => Promise<T>): Promise<T> {
  const { offsetMs } = (await (await fetch(`${simUrl}/_sim/clock`)).json()) as { offsetMs: number };
  await simAdmin(simUrl, '/_sim/clock', { offsetSeconds: offsetMs / 1000 + seconds });
  try {
    return await fn();
  } finally {
    await simAdmin(simUrl, '/_sim/clock', { offsetSeconds: offsetMs / 1000 });
  }
}

/** The demo's Slack webhook secret (shared by every scenario of one run), pointing at the sink. */
export async function ensureWebhookSecret(simUrl: string): Promise<string> {
  const secrets = new SecretsManagerClient(simSettings(simUrl));
  try {
    await secrets.send(
      new CreateSecretCommand({ Name: WEBHOOK_SECRET_ID, SecretString: JSON.stringify({ url: `${simUrl}/_sim/slack/services/T0DEMO/B0DEMO/demo` }) }),
    );
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error; // another scenario of this run made it
  }
  return WEBHOOK_SECRET_ID;
}

/** A real self-signed EC P-256 certificate and its PKCS#8 private key. */
export async function selfSignedCertificate(
  commonName: string,
  notBefore: Date,
  notAfter: Date,
): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const x509 = await import('@peculiar/x509');
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${commonName}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: algorithm,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return {
    certificatePem: `${certificate.toString('pem')}\n`,
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`,
  };
}
