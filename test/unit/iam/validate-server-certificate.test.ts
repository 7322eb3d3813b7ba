import { beforeAll, describe, expect, it } from 'vitest';
import { validateServerCertificate } from '../../../src/iam/validate-server-certificate';
import { DAY_MS, makeCertificate, makeCertificateAuthority, type CertificateAuthority, type GeneratedCertificate } from '../../support/certs';

const NOW = new Date();
let root: CertificateAuthority;
let intermediate: CertificateAuthority;
let leaf: GeneratedCertificate;
let other: GeneratedCertificate;

beforeAll(async () => {
  root = await makeCertificateAuthority({ commonName: 'Test Root', keyAlgorithm: 'EC-P256' });
  intermediate = await makeCertificateAuthority({ commonName: 'Test Intermediate', issuer: root, keyAlgorithm: 'EC-P256' });
  leaf = await makeCertificate({ commonName: 'www.example.com', issuer: intermediate, notAfter: new Date(NOW.getTime() + 90 * DAY_MS) });
  other = await makeCertificate({ commonName: 'other.example.com', keyAlgorithm: 'EC-P256' });
});

const material = (overrides: Partial<{ certificateBody: string; privateKey: string; certificateChain?: string }> = {}) => ({
  certificateBody: leaf.certificatePem,
  privateKey: leaf.privateKeyPem,
  certificateChain: leaf.chainPem,
  ...overrides,
});

describe('validateServerCertificate', () => {
  it('accepts a certificate, its key and a chain ordered issuer first', () => {
    const validated = validateServerCertificate(material(), NOW);
    expect(validated).toMatchObject({ subject: 'CN=www.example.com', chainLength: 2, notAfter: leaf.notAfter.toISOString().replace(/\.\d{3}Z$/, '.000Z') });
  });

  it('accepts a self-signed certificate without a chain, with a PKCS#1, SEC1 or PKCS#8 key', async () => {
    for (const [keyAlgorithm, privateKeyEncoding] of [['RSA-2048', 'pkcs1'], ['EC-P256', 'sec1'], ['EC-P384', 'pkcs8']] as const) {
      const cert = await makeCertificate({ commonName: 'self', keyAlgorithm, privateKeyEncoding });
      expect(() => validateServerCertificate({ certificateBody: cert.certificatePem, privateKey: cert.privateKeyPem }, NOW)).not.toThrow();
    }
  });

  it.each([
    ['text that is not PEM', { certificateBody: 'hello' }, 'MalformedCertificateError', 'pem-parses', 'certificateBody'],
    ['a PEM block of garbage', { certificateBody: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }, 'MalformedCertificateError', 'pem-parses', 'certificateBody'],
    ['a key in the body', { certificateBody: 'KEY' }, 'MalformedCertificateError', 'pem-parses', 'certificateBody'],
    ['a private key that is not a key', { privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }, 'MalformedCertificateError', 'pem-parses', 'privateKey'],
    ['another certificate\'s key', { privateKey: 'OTHER_KEY' }, 'KeyPairMismatchError', 'private-key-matches-certificate', 'privateKey'],
    ['a chain that starts at the root', { certificateChain: 'ROOT_ONLY' }, 'ChainMismatchError', 'chain-links-to-certificate', 'certificateChain'],
    ['an unrelated chain', { certificateChain: 'OTHER_CERT' }, 'ChainMismatchError', 'chain-links-to-certificate', 'certificateChain'],
  ])('rejects %s, naming the rule', (_, overrides, name, rule, field) => {
    const resolved = Object.fromEntries(
      Object.entries(overrides).map(([k, v]) => [
        k,
        v === 'KEY' ? leaf.privateKeyPem : v === 'OTHER_KEY' ? other.privateKeyPem : v === 'ROOT_ONLY' ? root.certificatePem : v === 'OTHER_CERT' ? other.certificatePem : v,
      ]),
    );
    let thrown: unknown;
    try {
      validateServerCertificate(material(resolved), NOW);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name, rule, field });
    // Never the key material in the message.
    expect((thrown as Error).message).not.toContain('-----BEGIN');
    expect((thrown as Error).message).not.toMatch(/[A-Za-z0-9+/]{40}/);
  });

  it('rejects an expired certificate and one not yet valid', async () => {
    const expired = await makeCertificate({ commonName: 'old', keyAlgorithm: 'EC-P256', notBefore: new Date(NOW.getTime() - 10 * DAY_MS), notAfter: new Date(NOW.getTime() - DAY_MS) });
    const future = await makeCertificate({ commonName: 'new', keyAlgorithm: 'EC-P256', notBefore: new Date(NOW.getTime() + DAY_MS) });
    expect(() => validateServerCertificate({ certificateBody: expired.certificatePem, privateKey: expired.privateKeyPem }, NOW)).toThrow(
      expect.objectContaining({ name: 'CertificateExpiredError', rule: 'not-expired' }),
    );
    expect(() => validateServerCertificate({ certificateBody: future.certificatePem, privateKey: future.privateKeyPem }, NOW)).toThrow(
      expect.objectContaining({ name: 'CertificateNotYetValidError', rule: 'not-yet-valid' }),
    );
  });

  it('rejects two certificates in the body and an encrypted key', () => {
    expect(() => validateServerCertificate(material({ certificateBody: leaf.certificatePem + other.certificatePem }), NOW)).toThrow(/exactly one certificate/);
    expect(() =>
      validateServerCertificate(material({ privateKey: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n' }), NOW),
    ).toThrow(expect.objectContaining({ rule: 'pem-parses', field: 'privateKey' }));
  });
});
