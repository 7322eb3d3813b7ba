/**
 * Contract tests of the simulated API Gateway (aws-facts.md "API Gateway REST") through the real
 * APIGatewayClient, and of the mTLS probe through fetch.
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  DeleteClientCertificateCommand,
  GenerateClientCertificateCommand,
  GetClientCertificateCommand,
  GetClientCertificatesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  GetStageCommand,
  GetStagesCommand,
  UpdateClientCertificateCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { documented } from '../support/sdk-docs';
import { useSimulator } from '../support/sim';

const sim = useSimulator();
const DAY_S = 86_400;

function apigw(options: { maxAttempts?: number } = {}): APIGatewayClient {
  return new APIGatewayClient({ region: 'us-east-1', ...options });
}

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number; retryAfterSeconds?: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; retryAfterSeconds?: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode, retryAfterSeconds: e.retryAfterSeconds };
  }
  throw new Error('expected the call to fail');
}

function generate(input: { description?: string; tags?: Record<string, string> } = {}, client = apigw()) {
  return client.send(new GenerateClientCertificateCommand(input));
}

/**
 * A REST API with one deployment and a stage `prod`, optionally presenting a certificate
 * (CreateStage has no clientCertificateId in the API: it takes an UpdateStage).
 */
async function stageWith(clientCertificateId?: string) {
  const client = apigw();
  const api = await client.send(new CreateRestApiCommand({ name: 'orders' }));
  const deployment = await client.send(new CreateDeploymentCommand({ restApiId: api.id!, description: 'v1' }));
  await client.send(new CreateStageCommand({ restApiId: api.id!, stageName: 'prod', deploymentId: deployment.id! }));
  if (clientCertificateId) {
    await client.send(
      new UpdateStageCommand({ restApiId: api.id!, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/clientCertificateId', value: clientCertificateId }] }),
    );
  }
  return { restApiId: api.id!, deploymentId: deployment.id! };
}

describe('GenerateClientCertificate', () => {
  it('returns a real self-signed X.509 certificate valid 365 days', async () => {
    const out = await generate({ description: 'backend mTLS' });
    expect(out.clientCertificateId).toMatch(/^[a-z0-9]{10}$/);
    expect(out.description).toBe('backend mTLS');
    const x509 = new X509Certificate(out.pemEncodedCertificate!);
    expect(x509.checkIssued(x509)).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect((Date.parse(x509.validTo) - Date.parse(x509.validFrom)) / 1000).toBe(365 * DAY_S);
    expect(out.expirationDate?.getTime()).toBe(Date.parse(x509.validTo));
    expect(out.createdDate?.getTime()).toBe(Date.parse(x509.validFrom));
    expect(Math.abs(out.createdDate!.getTime() - Date.now())).toBeLessThan(5_000);
  });

  it('sends createdDate and expirationDate as epoch seconds', async () => {
    const res = await generate();
    const raw = await fetch(`${sim.url}/clientcertificates/${res.clientCertificateId}`, {
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=0' },
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(typeof raw.createdDate).toBe('number');
    expect(raw.expirationDate).toBe((raw.createdDate as number) + 365 * DAY_S);
  });

  it('gives every certificate its own PEM', async () => {
    const [a, b] = await Promise.all([generate(), generate()]);
    expect(a.pemEncodedCertificate).not.toBe(b.pemEncodedCertificate);
  });

  it('dates the certificate by the simulator clock', async () => {
    await sim.admin('POST', '/_sim/clock', { advanceSeconds: 10 * DAY_S });
    const out = await generate();
    expect(out.createdDate!.getTime() - Date.now()).toBeGreaterThan(10 * DAY_S * 1000 - 5_000);
  });

  it('returns the tags it was given', async () => {
    const out = await generate({ tags: { team: 'edge', 'cost:centre': 'a-1/b=2+x.y_z' } });
    expect(out.tags).toEqual({ team: 'edge', 'cost:centre': 'a-1/b=2+x.y_z' });
  });

  it(documented('api-gateway', 'GenerateClientCertificate', "The valid character set is [a-zA-Z+-=._:/]. The tag key can be up to 128 characters and must not start with aws:.").title, async () => {
    const cases: Record<string, string>[] = [{ 'aws:owner': 'x' }, { ['k'.repeat(129)]: 'x' }, { 'with space': 'x' }, { 'k!': 'x' }];
    for (const tags of cases) {
      expect(await rejection(generate({ tags })), JSON.stringify(tags)).toMatchObject({ name: 'BadRequestException', status: 400 });
    }
  });

  it(documented('api-gateway', 'GenerateClientCertificate', "The tag value can be up to 256 characters.").title, async () => {
    expect((await rejection(generate({ tags: { k: 'v'.repeat(257) } }))).name).toBe('BadRequestException');
    expect((await rejection(generate({ tags: { k: 'a b' } }))).name).toBe('BadRequestException');
    await generate({ tags: { ['k'.repeat(128)]: 'v'.repeat(256) } });
  });

  it('refuses the 61st certificate with LimitExceededException (429)', async () => {
    for (let i = 0; i < 60; i += 10) await Promise.all(Array.from({ length: 10 }, () => generate()));
    const e = await rejection(generate({}, apigw({ maxAttempts: 1 })));
    expect(e).toMatchObject({ name: 'LimitExceededException', status: 429 });
  });
});

describe('GetClientCertificate(s)', () => {
  it('gets a certificate by id', async () => {
    const made = await generate({ description: 'd', tags: { a: 'b' } });
    const got = await apigw().send(new GetClientCertificateCommand({ clientCertificateId: made.clientCertificateId! }));
    expect(got).toMatchObject({
      clientCertificateId: made.clientCertificateId,
      description: 'd',
      pemEncodedCertificate: made.pemEncodedCertificate,
      tags: { a: 'b' },
    });
  });

  it(documented('api-gateway', 'GetClientCertificate', "The requested resource is not found. Make sure that the request URI is correct.").title, async () => {
    const e = await rejection(apigw().send(new GetClientCertificateCommand({ clientCertificateId: 'abcdefghij' })));
    expect(e).toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  it(documented('api-gateway', 'GetClientCertificates', "The maximum number of returned results per page. The default value is 25 and the maximum value is 500.").title, async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 10) ids.push(...(await Promise.all(Array.from({ length: 10 }, () => generate()))).map((c) => c.clientCertificateId!));
    const first = await apigw().send(new GetClientCertificatesCommand({}));
    expect(first.items).toHaveLength(25);
    expect(first.position).toBeDefined();
    const second = await apigw().send(new GetClientCertificatesCommand({ position: first.position }));
    expect(second.items).toHaveLength(5);
    expect(second.position).toBeUndefined();
    expect([...first.items!, ...second.items!].map((c) => c.clientCertificateId).sort()).toEqual([...ids].sort());
  });

  it('honours limit up to 500 and rejects more with BadRequestException', async () => {
    await generate();
    await generate();
    const page = await apigw().send(new GetClientCertificatesCommand({ limit: 1 }));
    expect(page.items).toHaveLength(1);
    expect(page.position).toBeDefined();
    await apigw().send(new GetClientCertificatesCommand({ limit: 500 }));
    expect((await rejection(apigw().send(new GetClientCertificatesCommand({ limit: 501 })))).name).toBe('BadRequestException');
  });
});

describe('UpdateClientCertificate', () => {
  it('replaces the description', async () => {
    const made = await generate({ description: 'old' });
    const out = await apigw().send(
      new UpdateClientCertificateCommand({ clientCertificateId: made.clientCertificateId!, patchOperations: [{ op: 'replace', path: '/description', value: 'new' }] }),
    );
    expect(out.description).toBe('new');
  });
});

describe('DeleteClientCertificate', () => {
  it('deletes a certificate (202)', async () => {
    const made = await generate();
    const out = await apigw().send(new DeleteClientCertificateCommand({ clientCertificateId: made.clientCertificateId! }));
    expect(out.$metadata.httpStatusCode).toBe(202);
    expect((await rejection(apigw().send(new GetClientCertificateCommand({ clientCertificateId: made.clientCertificateId! })))).name).toBe('NotFoundException');
  });

  it('refuses a certificate a stage still uses with BadRequestException', async () => {
    const made = await generate();
    await stageWith(made.clientCertificateId);
    const e = await rejection(apigw().send(new DeleteClientCertificateCommand({ clientCertificateId: made.clientCertificateId! })));
    expect(e).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(e.message).toMatch(/prod/);
  });

  it('answers NotFoundException for an unknown id', async () => {
    expect((await rejection(apigw().send(new DeleteClientCertificateCommand({ clientCertificateId: 'nope000000' })))).name).toBe('NotFoundException');
  });
});

describe('REST APIs, deployments and stages', () => {
  it('creates, gets and lists REST APIs', async () => {
    const api = await apigw().send(new CreateRestApiCommand({ name: 'orders', description: 'the orders API', tags: { team: 'edge' } }));
    expect(api.id).toMatch(/^[a-z0-9]{10}$/);
    expect(api.createdDate).toBeInstanceOf(Date);
    const got = await apigw().send(new GetRestApiCommand({ restApiId: api.id! }));
    expect(got).toMatchObject({ id: api.id, name: 'orders', description: 'the orders API', tags: { team: 'edge' } });
    const list = await apigw().send(new GetRestApisCommand({}));
    expect(list.items?.map((a) => a.id)).toEqual([api.id]);
  });

  it('answers NotFoundException for an unknown REST API', async () => {
    expect(await rejection(apigw().send(new GetRestApiCommand({ restApiId: 'nope000000' })))).toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  it('creates a stage on a deployment and lists it under item', async () => {
    const cert = await generate();
    const { restApiId, deploymentId } = await stageWith(cert.clientCertificateId);
    const stage = await apigw().send(new GetStageCommand({ restApiId, stageName: 'prod' }));
    expect(stage).toMatchObject({ stageName: 'prod', deploymentId, clientCertificateId: cert.clientCertificateId });
    const stages = await apigw().send(new GetStagesCommand({ restApiId }));
    expect(stages.item?.map((s) => s.stageName)).toEqual(['prod']);
  });

  it('refuses a stage name that exists with ConflictException', async () => {
    const { restApiId, deploymentId } = await stageWith();
    const e = await rejection(apigw().send(new CreateStageCommand({ restApiId, stageName: 'prod', deploymentId })));
    expect(e).toMatchObject({ name: 'ConflictException', status: 409 });
  });

  it('refuses an unknown deployment with NotFoundException', async () => {
    const { restApiId } = await stageWith();
    expect((await rejection(apigw().send(new CreateStageCommand({ restApiId, stageName: 'beta', deploymentId: 'nope00' })))).name).toBe('NotFoundException');
  });

  it(documented('api-gateway', 'CreateStage', "Stage names can only contain alphanumeric characters, hyphens, and underscores. Maximum length is 128 characters.").title, async () => {
    const { restApiId, deploymentId } = await stageWith();
    expect((await rejection(apigw().send(new CreateStageCommand({ restApiId, stageName: 'bad name', deploymentId })))).name).toBe('BadRequestException');
    expect((await rejection(apigw().send(new CreateStageCommand({ restApiId, stageName: 'x'.repeat(129), deploymentId })))).name).toBe('BadRequestException');
    expect((await apigw().send(new CreateStageCommand({ restApiId, stageName: `v2_${'x'.repeat(125)}`, deploymentId }))).stageName).toHaveLength(128);
  });

  it(documented('api-gateway', 'CreateStage', "Variable names can have alphanumeric and underscore characters, and the values must match [A-Za-z0-9-._~:/?#&=,]+.").title, async () => {
    const { restApiId, deploymentId } = await stageWith();
    const created = await apigw().send(new CreateStageCommand({ restApiId, stageName: 'vars', deploymentId, variables: { backend_url: 'https://orders.example.com/v1?x=1' } }));
    expect(created.variables).toEqual({ backend_url: 'https://orders.example.com/v1?x=1' });
    for (const variables of [{ 'backend-url': 'x' }, { backend: 'has space' }, { backend: '' }] as Record<string, string>[]) {
      expect((await rejection(apigw().send(new CreateStageCommand({ restApiId, stageName: 'bad_vars', deploymentId, variables })))).name).toBe('BadRequestException');
    }
  });

  it('answers NotFoundException for an unknown stage', async () => {
    const { restApiId } = await stageWith();
    expect((await rejection(apigw().send(new GetStageCommand({ restApiId, stageName: 'nope' })))).name).toBe('NotFoundException');
  });
});

describe('UpdateStage', () => {
  it('switches the stage to another client certificate with replace /clientCertificateId', async () => {
    const [oldCert, newCert] = await Promise.all([generate(), generate()]);
    const { restApiId } = await stageWith(oldCert.clientCertificateId);
    const out = await apigw().send(
      new UpdateStageCommand({ restApiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/clientCertificateId', value: newCert.clientCertificateId }] }),
    );
    expect(out.clientCertificateId).toBe(newCert.clientCertificateId);
    await apigw().send(new DeleteClientCertificateCommand({ clientCertificateId: oldCert.clientCertificateId! }));
  });

  it('refuses a client certificate that does not exist with BadRequestException and changes nothing', async () => {
    const cert = await generate();
    const { restApiId } = await stageWith(cert.clientCertificateId);
    const e = await rejection(
      apigw().send(
        new UpdateStageCommand({
          restApiId,
          stageName: 'prod',
          patchOperations: [
            { op: 'replace', path: '/description', value: 'changed' },
            { op: 'replace', path: '/clientCertificateId', value: 'nope000000' },
          ],
        }),
      ),
    );
    expect(e).toMatchObject({ name: 'BadRequestException', status: 400 });
    const stage = await apigw().send(new GetStageCommand({ restApiId, stageName: 'prod' }));
    expect(stage.clientCertificateId).toBe(cert.clientCertificateId);
    expect(stage.description).toBeUndefined();
  });

  it('replaces the description', async () => {
    const { restApiId } = await stageWith();
    const out = await apigw().send(new UpdateStageCommand({ restApiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/description', value: 'live' }] }));
    expect(out.description).toBe('live');
  });

  it('rejects an unsupported patch path with BadRequestException', async () => {
    const { restApiId } = await stageWith();
    const e = await rejection(apigw().send(new UpdateStageCommand({ restApiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/cacheClusterSize', value: '0.5' }] })));
    expect(e).toMatchObject({ name: 'BadRequestException', status: 400 });
  });

  it('answers NotFoundException for an unknown stage', async () => {
    const { restApiId } = await stageWith();
    const e = await rejection(apigw().send(new UpdateStageCommand({ restApiId, stageName: 'nope', patchOperations: [{ op: 'replace', path: '/description', value: 'x' }] })));
    expect(e.name).toBe('NotFoundException');
  });
});

describe('throttling and auth', () => {
  it(documented('api-gateway', 'GetClientCertificates', "The request has reached its throttling limit. Retry after the specified time period.").title, async () => {
    await sim.admin('POST', '/_sim/faults', { service: 'apigateway', operation: 'GetClientCertificates', throttle: true, count: 1 });
    const e = await rejection(apigw({ maxAttempts: 1 }).send(new GetClientCertificatesCommand({})));
    expect(e).toMatchObject({ name: 'TooManyRequestsException', status: 429, retryAfterSeconds: '1' });
  });

  it('is retried by the SDK after TooManyRequestsException', async () => {
    await sim.admin('POST', '/_sim/faults', { service: 'apigateway', operation: 'GetClientCertificates', throttle: true, count: 1 });
    const out = await apigw().send(new GetClientCertificatesCommand({}));
    expect(out.items).toEqual([]);
    const { calls } = await sim.admin<{ calls: { status: number; errorCode?: string }[] }>('GET', '/_sim/calls?service=apigateway');
    expect(calls.map((c) => [c.status, c.errorCode])).toEqual([[429, 'TooManyRequestsException'], [200, undefined]]);
  });

  it(documented('api-gateway', 'GetClientCertificates', "The request is denied because the caller has insufficient permissions.").title, async () => {
    const res = await fetch(`${sim.url}/clientcertificates`);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    expect(await res.json()).toEqual({ message: 'Missing Authentication Token' });
  });
});

describe('mTLS probe', () => {
  const SECRET = 'keyturn/orders/trust-store';

  /** Puts a secret into the Secrets Manager slice, in the shape secretsmanager.ts keeps. */
  async function putTrustStore(certificates: { clientCertificateId?: string; pemEncodedCertificate: string; expirationDate?: number }[], options: { pendingOnly?: boolean } = {}) {
    const state = await sim.admin<{ services: Record<string, unknown> }>('GET', '/_sim/state');
    const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${SECRET}-AbCdEf`;
    const value = JSON.stringify({ certificates });
    state.services.secretsmanager = {
      secrets: {
        [arn]: {
          arn,
          name: SECRET,
          createdAt: Date.now(),
          lastChangedAt: Date.now(),
          tags: [],
          versions: [
            { versionId: 'v-old', secretString: JSON.stringify({ certificates: [] }), stages: options.pendingOnly ? ['AWSCURRENT'] : ['AWSPREVIOUS'], createdAt: Date.now() },
            { versionId: 'v-new', secretString: value, stages: options.pendingOnly ? ['AWSPENDING'] : ['AWSCURRENT'], createdAt: Date.now() },
          ],
        },
      },
    };
    await sim.admin('PUT', '/_sim/state', state);
  }

  async function probe(restApiId: string, stageName = 'prod', secretId = SECRET) {
    const res = await fetch(`${sim.url}/_sim/apigateway/${restApiId}/${stageName}?trustStoreSecretId=${encodeURIComponent(secretId)}`);
    return { status: res.status, body: (await res.json()) as { ok: boolean; reason?: string } };
  }

  it('accepts the stage certificate when its PEM is in the trust store', async () => {
    const cert = await generate();
    const { restApiId } = await stageWith(cert.clientCertificateId);
    await putTrustStore([{ clientCertificateId: cert.clientCertificateId, pemEncodedCertificate: cert.pemEncodedCertificate!, expirationDate: 0 }]);
    expect(await probe(restApiId)).toEqual({ status: 200, body: expect.objectContaining({ ok: true }) });
  });

  it('compares PEM content whatever the line breaks', async () => {
    const cert = await generate();
    const { restApiId } = await stageWith(cert.clientCertificateId);
    const reflowed = cert.pemEncodedCertificate!.replace(/\n(?!-----)/g, '').replace(/-----BEGIN CERTIFICATE-----/, '$&\r\n') + '\r\n';
    await putTrustStore([{ pemEncodedCertificate: reflowed }]);
    expect((await probe(restApiId)).status).toBe(200);
  });

  it('refuses (403) a certificate that is not in the trust store', async () => {
    const [trusted, presented] = await Promise.all([generate(), generate()]);
    const { restApiId } = await stageWith(presented.clientCertificateId);
    await putTrustStore([{ pemEncodedCertificate: trusted.pemEncodedCertificate! }]);
    expect(await probe(restApiId)).toEqual({ status: 403, body: expect.objectContaining({ ok: false, reason: 'not-trusted' }) });
  });

  it('reads the AWSCURRENT version, not AWSPENDING', async () => {
    const cert = await generate();
    const { restApiId } = await stageWith(cert.clientCertificateId);
    await putTrustStore([{ pemEncodedCertificate: cert.pemEncodedCertificate! }], { pendingOnly: true });
    expect((await probe(restApiId)).body.reason).toBe('not-trusted');
  });

  it('refuses (403) a stage that presents no certificate', async () => {
    const { restApiId } = await stageWith();
    await putTrustStore([]);
    expect(await probe(restApiId)).toEqual({ status: 403, body: expect.objectContaining({ reason: 'no-client-certificate' }) });
  });

  it('refuses (403) an expired certificate, by the simulator clock', async () => {
    const cert = await generate();
    const { restApiId } = await stageWith(cert.clientCertificateId);
    await putTrustStore([{ pemEncodedCertificate: cert.pemEncodedCertificate! }]);
    await sim.admin('POST', '/_sim/clock', { advanceSeconds: 366 * DAY_S });
    expect(await probe(restApiId)).toEqual({ status: 403, body: expect.objectContaining({ reason: 'expired' }) });
  });

  it('refuses (403) when the trust store secret does not exist', async () => {
    const cert = await generate();
    const { restApiId } = await stageWith(cert.clientCertificateId);
    expect(await probe(restApiId, 'prod', 'no/such/secret')).toEqual({ status: 403, body: expect.objectContaining({ reason: 'trust-store-unavailable' }) });
  });

  it('answers 404 for an unknown stage', async () => {
    const { restApiId } = await stageWith();
    expect((await probe(restApiId, 'nope')).status).toBe(404);
    expect((await probe('nope000000')).status).toBe(404);
  });
});
