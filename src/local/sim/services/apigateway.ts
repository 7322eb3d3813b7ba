/**
 * API Gateway REST (restJson, aws-facts.md "API Gateway REST"): client certificates, REST APIs,
 * deployments and stages, plus the mTLS stand-in under `/_sim/apigateway/…` (apigateway-mtls.ts).
 * Errors: the code in `x-amzn-ErrorType`, `{"message"}` in the body; timestamps are epoch
 * seconds (JSON numbers), as restJson sends them.
 *
 * Choices where AWS is unconfirmed (the stricter reading, per aws-facts.md):
 * - DeleteClientCertificate refuses a certificate a stage still references (BadRequestException).
 * - UpdateStage naming an unknown client certificate is a BadRequestException; an unknown deployment is a NotFoundException.
 * - Tag characters: letters, digits and `+ - = . _ : /` (aws-facts); spaces and anything else refused.
 * - CreateDeployment does not require methods: the simulator models no resources or methods.
 * - Unsigned requests are UnauthorizedException (401).
 * Knob: the `apigateway` slice's `settings.clientCertificateQuota` (default 60, AWS's quota).
 */
import { randomInt } from 'node:crypto';
import { AwsError, json, type ServiceModule, type SimContext, type SimRequest, type SimResponse } from '../protocol';
import { takeNextId } from '../state';
import { generateClientCertificate } from './apigateway-certificates';
import { mtlsProbe } from './apigateway-mtls';
import {
  apiGatewaySlice,
  type ClientCertificateRecord,
  type DeploymentRecord,
  type RestApiRecord,
  type StageRecord,
  type Tags,
} from './apigateway-state';

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 500;
const MAX_TAGS = 50;

// ---------------------------------------------------------------------------------------------
// Errors and input

const badRequest = (message: string) => new AwsError('BadRequestException', 400, message);
const notFound = (message: string) => new AwsError('NotFoundException', 404, message);
const conflict = (message: string) => new AwsError('ConflictException', 409, message);

type Body = Record<string, unknown>;

function bodyOf(req: SimRequest): Body {
  const text = req.body.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('Invalid request body: not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('Invalid request body: expected a JSON object');
  return parsed as Body;
}

function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`Invalid value for ${field}: expected a string`);
  return value;
}

function requiredString(body: Body, field: string): string {
  const value = optionalString(body, field);
  if (value === undefined || value === '') throw badRequest(`${field} must not be empty`);
  return value;
}

// aws-facts: key ≤ 128, not `aws:`; value ≤ 256; characters `[a-zA-Z+-=._:/]`. Read as the
// listed characters (letters, digits, + - = . _ : /), not as a regex range, and the digits are
// taken as allowed, since every AWS tag example uses them.
const TAG_CHARS = /^[A-Za-z0-9+\-=._:/]*$/;

function readTags(body: Body): Tags {
  const raw = body.tags;
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('Invalid tags: expected a map of strings');
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_TAGS) throw badRequest(`Too many tags: at most ${MAX_TAGS}`);
  const tags: Tags = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw badRequest(`Invalid tag value for key ${key}: expected a string`);
    if (key.length < 1 || key.length > 128) throw badRequest('Tag keys must be 1 to 128 characters');
    if (key.toLowerCase().startsWith('aws:')) throw badRequest(`Tag keys must not start with 'aws:': ${key}`);
    if (!TAG_CHARS.test(key)) throw badRequest(`Invalid tag key ${JSON.stringify(key)}: allowed characters are [a-zA-Z0-9+-=._:/]`);
    if (value.length > 256) throw badRequest(`Tag value for ${key} is longer than 256 characters`);
    if (!TAG_CHARS.test(value)) throw badRequest(`Invalid tag value for ${key}: allowed characters are [a-zA-Z0-9+-=._:/]`);
    tags[key] = value;
  }
  return tags;
}

/** `position` is opaque to callers; inside, the id the previous page ended on. */
function page<T>(items: T[], idOf: (item: T) => string, req: SimRequest): { item: T[]; position?: string } {
  const rawLimit = req.query.get('limit');
  let limit = DEFAULT_LIMIT;
  if (rawLimit !== null) {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw badRequest(`Invalid limit ${rawLimit}: must be an integer from 1 to ${MAX_LIMIT}`);
    }
  }
  let start = 0;
  const position = req.query.get('position');
  if (position !== null) {
    const after = Buffer.from(position, 'base64url').toString('utf8');
    const index = items.findIndex((item) => idOf(item) === after);
    if (position === '' || index === -1) throw badRequest('Invalid position');
    start = index + 1;
  }
  const item = items.slice(start, start + limit);
  const last = item[item.length - 1];
  return start + limit < items.length && last ? { item, position: Buffer.from(idOf(last), 'utf8').toString('base64url') } : { item };
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
function newId(length: number): string {
  let id = '';
  for (let i = 0; i < length; i += 1) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

function nowSeconds(ctx: SimContext): number {
  return Math.floor(ctx.now() / 1000);
}

// ---------------------------------------------------------------------------------------------
// Client certificates

function clientCertificateJson(c: ClientCertificateRecord): Body {
  return {
    clientCertificateId: c.clientCertificateId,
    ...(c.description !== undefined ? { description: c.description } : {}),
    pemEncodedCertificate: c.pemEncodedCertificate,
    createdDate: c.createdDate,
    expirationDate: c.expirationDate,
    tags: c.tags,
  };
}

function findClientCertificate(ctx: SimContext, id: string): ClientCertificateRecord {
  const found = apiGatewaySlice(ctx).clientCertificates.find((c) => c.clientCertificateId === id);
  if (!found) throw notFound('Invalid Client Certificate identifier specified');
  return found;
}

async function generate(req: SimRequest, ctx: SimContext): Promise<SimResponse> {
  const body = bodyOf(req);
  const description = optionalString(body, 'description');
  const tags = readTags(body);
  const s = apiGatewaySlice(ctx);
  if (s.clientCertificates.length >= s.settings.clientCertificateQuota) {
    throw new AwsError('LimitExceededException', 429, `Client certificates per account exceed the limit of ${s.settings.clientCertificateQuota}`);
  }
  let clientCertificateId = newId(10);
  while (s.clientCertificates.some((c) => c.clientCertificateId === clientCertificateId)) clientCertificateId = newId(10);
  const generated = await generateClientCertificate(clientCertificateId, ctx.now());
  // Re-check after the await: another request may have taken the last slot meanwhile.
  if (s.clientCertificates.length >= s.settings.clientCertificateQuota) {
    throw new AwsError('LimitExceededException', 429, `Client certificates per account exceed the limit of ${s.settings.clientCertificateQuota}`);
  }
  const record: ClientCertificateRecord = {
    clientCertificateId,
    ...(description !== undefined ? { description } : {}),
    pemEncodedCertificate: generated.pemEncodedCertificate,
    createdDate: generated.notBeforeSeconds,
    expirationDate: generated.notAfterSeconds,
    tags,
  };
  s.clientCertificates.push(record);
  return json(201, clientCertificateJson(record));
}

function updateClientCertificate(req: SimRequest, ctx: SimContext, id: string): SimResponse {
  const record = findClientCertificate(ctx, id);
  const operations = patchOperations(bodyOf(req));
  const next = { ...record };
  for (const op of operations) {
    if (op.op === 'replace' && op.path === '/description') {
      next.description = op.value ?? '';
    } else {
      throw invalidPatch(op, ['replace /description']);
    }
  }
  Object.assign(record, next);
  return json(200, clientCertificateJson(record));
}

function deleteClientCertificate(ctx: SimContext, id: string): SimResponse {
  const s = apiGatewaySlice(ctx);
  const record = findClientCertificate(ctx, id);
  const users = s.restApis.flatMap((api) =>
    api.stages.filter((stage) => stage.clientCertificateId === id).map((stage) => `${api.id}/${stage.stageName}`),
  );
  if (users.length > 0) {
    // Unconfirmed on AWS; the simulator refuses (aws-facts.md) so a rotation that deletes too early fails loudly.
    throw badRequest(`Client certificate ${id} is still used by stage(s): ${users.join(', ')}`);
  }
  s.clientCertificates = s.clientCertificates.filter((c) => c !== record);
  return { status: 202, headers: { 'content-type': 'application/json' }, body: '' };
}

// ---------------------------------------------------------------------------------------------
// REST APIs, deployments, stages

function restApiJson(api: RestApiRecord): Body {
  return {
    id: api.id,
    name: api.name,
    ...(api.description !== undefined ? { description: api.description } : {}),
    createdDate: api.createdDate,
    apiKeySource: 'HEADER',
    endpointConfiguration: { types: api.endpointTypes },
    disableExecuteApiEndpoint: false,
    rootResourceId: api.rootResourceId,
    tags: api.tags,
  };
}

function deploymentJson(d: DeploymentRecord): Body {
  return { id: d.id, ...(d.description !== undefined ? { description: d.description } : {}), createdDate: d.createdDate };
}

function stageJson(stage: StageRecord): Body {
  return {
    deploymentId: stage.deploymentId,
    ...(stage.clientCertificateId ? { clientCertificateId: stage.clientCertificateId } : {}),
    stageName: stage.stageName,
    ...(stage.description !== undefined ? { description: stage.description } : {}),
    cacheClusterEnabled: false,
    cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings: {},
    ...(stage.variables ? { variables: stage.variables } : {}),
    tracingEnabled: false,
    tags: stage.tags,
    createdDate: stage.createdDate,
    lastUpdatedDate: stage.lastUpdatedDate,
  };
}

function findRestApi(ctx: SimContext, id: string): RestApiRecord {
  const api = apiGatewaySlice(ctx).restApis.find((a) => a.id === id);
  if (!api) throw notFound('Invalid API identifier specified');
  return api;
}

function findStage(api: RestApiRecord, stageName: string): StageRecord {
  const stage = api.stages.find((s) => s.stageName === stageName);
  if (!stage) throw notFound('Invalid Stage identifier specified');
  return stage;
}

const ENDPOINT_TYPES = new Set(['EDGE', 'REGIONAL', 'PRIVATE']);

function createRestApi(req: SimRequest, ctx: SimContext): SimResponse {
  const body = bodyOf(req);
  const name = requiredString(body, 'name');
  const description = optionalString(body, 'description');
  const tags = readTags(body);
  let endpointTypes = ['EDGE'];
  const endpointConfiguration = body.endpointConfiguration as { types?: unknown } | undefined;
  if (endpointConfiguration?.types !== undefined) {
    const types = endpointConfiguration.types;
    if (!Array.isArray(types) || types.length !== 1 || !ENDPOINT_TYPES.has(types[0] as string)) {
      throw badRequest('endpointConfiguration.types must hold exactly one of EDGE, REGIONAL, PRIVATE');
    }
    endpointTypes = types as string[];
  }
  const api: RestApiRecord = {
    id: takeNextId(ctx.state, 'apigateway.restApi', (id) => apiGatewaySlice(ctx).restApis.some((a) => a.id === id)) ?? newId(10),
    name,
    ...(description !== undefined ? { description } : {}),
    createdDate: nowSeconds(ctx),
    rootResourceId: newId(10),
    endpointTypes,
    tags,
    deployments: [],
    stages: [],
  };
  apiGatewaySlice(ctx).restApis.push(api);
  return json(201, restApiJson(api));
}

function deleteRestApi(ctx: SimContext, id: string): SimResponse {
  const s = apiGatewaySlice(ctx);
  const api = findRestApi(ctx, id);
  s.restApis = s.restApis.filter((a) => a !== api);
  return { status: 202, headers: { 'content-type': 'application/json' }, body: '' };
}

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

function checkClientCertificateExists(ctx: SimContext, id: string): void {
  // Unconfirmed on AWS which exception this is; BadRequestException, the input is at fault.
  if (!apiGatewaySlice(ctx).clientCertificates.some((c) => c.clientCertificateId === id)) {
    throw badRequest(`Invalid client certificate identifier specified: ${id}`);
  }
}

function findDeployment(api: RestApiRecord, deploymentId: string): DeploymentRecord {
  const deployment = api.deployments.find((d) => d.id === deploymentId);
  if (!deployment) throw notFound('Invalid Deployment identifier specified');
  return deployment;
}

function newStage(
  ctx: SimContext,
  api: RestApiRecord,
  input: { stageName: string; deploymentId: string; description?: string; tags: Tags; variables?: Record<string, string> },
): StageRecord {
  if (!STAGE_NAME.test(input.stageName)) {
    throw badRequest('Stage name only allows a-zA-Z0-9_- and must be 1 to 128 characters');
  }
  if (api.stages.some((s) => s.stageName === input.stageName)) throw conflict('Stage already exists');
  const now = nowSeconds(ctx);
  const stage: StageRecord = {
    stageName: input.stageName,
    deploymentId: input.deploymentId,
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.variables ? { variables: input.variables } : {}),
    tags: input.tags,
    createdDate: now,
    lastUpdatedDate: now,
  };
  api.stages.push(stage);
  return stage;
}

function readVariables(body: Body): Record<string, string> | undefined {
  const raw = body.variables;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string')) {
    throw badRequest('variables must be a map of strings');
  }
  // CreateStage and CreateDeployment: "Variable names can have alphanumeric and underscore
  // characters, and the values must match [A-Za-z0-9-._~:/?#&=,]+."
  for (const [name, value] of Object.entries(raw as Record<string, string>)) {
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw badRequest(`Stage variable name ${name} must contain only alphanumeric and underscore characters`);
    if (!/^[A-Za-z0-9\-._~:/?#&=,]+$/.test(value)) throw badRequest(`Stage variable value of ${name} must match [A-Za-z0-9-._~:/?#&=,]+`);
  }
  return raw as Record<string, string>;
}

function createDeployment(req: SimRequest, ctx: SimContext, apiId: string): SimResponse {
  const api = findRestApi(ctx, apiId);
  const body = bodyOf(req);
  const description = optionalString(body, 'description');
  const stageName = optionalString(body, 'stageName');
  const stageDescription = optionalString(body, 'stageDescription');
  const variables = readVariables(body);
  if (stageName !== undefined && !STAGE_NAME.test(stageName)) {
    throw badRequest('Stage name only allows a-zA-Z0-9_- and must be 1 to 128 characters');
  }
  const deployment: DeploymentRecord = {
    id: newId(6),
    ...(description !== undefined ? { description } : {}),
    createdDate: nowSeconds(ctx),
  };
  api.deployments.push(deployment);
  if (stageName !== undefined) {
    // Deploying to a stage name points that stage at the new deployment, creating it if needed.
    const existing = api.stages.find((s) => s.stageName === stageName);
    if (existing) {
      existing.deploymentId = deployment.id;
      if (variables) existing.variables = { ...existing.variables, ...variables };
      existing.lastUpdatedDate = nowSeconds(ctx);
    } else {
      newStage(ctx, api, {
        stageName,
        deploymentId: deployment.id,
        ...(stageDescription !== undefined ? { description: stageDescription } : {}),
        tags: {},
        ...(variables ? { variables } : {}),
      });
    }
  }
  return json(201, deploymentJson(deployment));
}

function createStage(req: SimRequest, ctx: SimContext, apiId: string): SimResponse {
  const api = findRestApi(ctx, apiId);
  const body = bodyOf(req);
  const stageName = requiredString(body, 'stageName');
  const deploymentId = requiredString(body, 'deploymentId');
  const description = optionalString(body, 'description');
  // CreateStage has no clientCertificateId in the API model: a stage gets one through UpdateStage.
  const tags = readTags(body);
  const variables = readVariables(body);
  findDeployment(api, deploymentId);
  const stage = newStage(ctx, api, {
    stageName,
    deploymentId,
    ...(description !== undefined ? { description } : {}),
    tags,
    ...(variables ? { variables } : {}),
  });
  return json(201, stageJson(stage));
}

interface PatchOperation {
  op: string;
  path: string;
  value?: string;
}

const PATCH_OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function patchOperations(body: Body): PatchOperation[] {
  const raw = body.patchOperations ?? [];
  if (!Array.isArray(raw)) throw badRequest('patchOperations must be a list');
  return raw.map((entry: unknown) => {
    const op = entry as Partial<PatchOperation> | null;
    if (!op || typeof op.op !== 'string' || !PATCH_OPS.has(op.op)) throw badRequest(`Invalid patch operation: ${JSON.stringify(entry)}`);
    if (typeof op.path !== 'string') throw badRequest('Invalid patch operation: path must be a string');
    if (op.value !== undefined && op.value !== null && typeof op.value !== 'string') throw badRequest('Invalid patch operation: value must be a string');
    return { op: op.op, path: op.path, ...(typeof op.value === 'string' ? { value: op.value } : {}) };
  });
}

function invalidPatch(op: PatchOperation, supported: string[]): AwsError {
  return badRequest(`Invalid patch path '${op.path}' specified for op '${op.op}'. Supported: ${supported.join(', ')}`);
}

function updateStage(req: SimRequest, ctx: SimContext, apiId: string, stageName: string): SimResponse {
  const api = findRestApi(ctx, apiId);
  const stage = findStage(api, stageName);
  const operations = patchOperations(bodyOf(req));
  // All or nothing: validate every operation on a copy, then apply.
  const next: StageRecord = { ...stage };
  for (const op of operations) {
    if (op.op === 'replace' && op.path === '/clientCertificateId') {
      // An empty value takes the certificate off the stage.
      if (op.value) {
        checkClientCertificateExists(ctx, op.value);
        next.clientCertificateId = op.value;
      } else {
        delete next.clientCertificateId;
      }
    } else if (op.op === 'replace' && op.path === '/description') {
      next.description = op.value ?? '';
    } else if (op.op === 'replace' && op.path === '/deploymentId') {
      if (!op.value) throw badRequest('deploymentId must not be empty');
      findDeployment(api, op.value);
      next.deploymentId = op.value;
    } else {
      throw invalidPatch(op, ['replace /clientCertificateId', 'replace /description', 'replace /deploymentId']);
    }
  }
  next.lastUpdatedDate = nowSeconds(ctx);
  Object.assign(stage, next);
  if (!('clientCertificateId' in next)) delete stage.clientCertificateId;
  return json(200, stageJson(stage));
}

function deleteStage(ctx: SimContext, apiId: string, stageName: string): SimResponse {
  const api = findRestApi(ctx, apiId);
  const stage = findStage(api, stageName);
  api.stages = api.stages.filter((s) => s !== stage);
  return { status: 202, headers: { 'content-type': 'application/json' }, body: '' };
}

// ---------------------------------------------------------------------------------------------
// Routing

type Handler = (req: SimRequest, ctx: SimContext, params: string[]) => SimResponse | Promise<SimResponse>;

const ROUTES: { method: string; pattern: RegExp; operation: string; run: Handler }[] = [
  { method: 'POST', pattern: /^\/clientcertificates$/, operation: 'GenerateClientCertificate', run: (req, ctx) => generate(req, ctx) },
  {
    method: 'GET',
    pattern: /^\/clientcertificates$/,
    operation: 'GetClientCertificates',
    run: (req, ctx) => json(200, mapItems(page(apiGatewaySlice(ctx).clientCertificates, (c) => c.clientCertificateId, req), clientCertificateJson)),
  },
  {
    method: 'GET',
    pattern: /^\/clientcertificates\/([^/]+)$/,
    operation: 'GetClientCertificate',
    run: (_req, ctx, [id]) => json(200, clientCertificateJson(findClientCertificate(ctx, id as string))),
  },
  {
    method: 'PATCH',
    pattern: /^\/clientcertificates\/([^/]+)$/,
    operation: 'UpdateClientCertificate',
    run: (req, ctx, [id]) => updateClientCertificate(req, ctx, id as string),
  },
  {
    method: 'DELETE',
    pattern: /^\/clientcertificates\/([^/]+)$/,
    operation: 'DeleteClientCertificate',
    run: (_req, ctx, [id]) => deleteClientCertificate(ctx, id as string),
  },
  { method: 'POST', pattern: /^\/restapis$/, operation: 'CreateRestApi', run: (req, ctx) => createRestApi(req, ctx) },
  {
    method: 'GET',
    pattern: /^\/restapis$/,
    operation: 'GetRestApis',
    run: (req, ctx) => json(200, mapItems(page(apiGatewaySlice(ctx).restApis, (a) => a.id, req), restApiJson)),
  },
  { method: 'GET', pattern: /^\/restapis\/([^/]+)$/, operation: 'GetRestApi', run: (_req, ctx, [id]) => json(200, restApiJson(findRestApi(ctx, id as string))) },
  { method: 'DELETE', pattern: /^\/restapis\/([^/]+)$/, operation: 'DeleteRestApi', run: (_req, ctx, [id]) => deleteRestApi(ctx, id as string) },
  {
    method: 'POST',
    pattern: /^\/restapis\/([^/]+)\/deployments$/,
    operation: 'CreateDeployment',
    run: (req, ctx, [id]) => createDeployment(req, ctx, id as string),
  },
  {
    method: 'GET',
    pattern: /^\/restapis\/([^/]+)\/deployments$/,
    operation: 'GetDeployments',
    run: (req, ctx, [id]) => json(200, mapItems(page(findRestApi(ctx, id as string).deployments, (d) => d.id, req), deploymentJson)),
  },
  {
    method: 'GET',
    pattern: /^\/restapis\/([^/]+)\/deployments\/([^/]+)$/,
    operation: 'GetDeployment',
    run: (_req, ctx, [id, deploymentId]) => json(200, deploymentJson(findDeployment(findRestApi(ctx, id as string), deploymentId as string))),
  },
  { method: 'POST', pattern: /^\/restapis\/([^/]+)\/stages$/, operation: 'CreateStage', run: (req, ctx, [id]) => createStage(req, ctx, id as string) },
  {
    method: 'GET',
    pattern: /^\/restapis\/([^/]+)\/stages$/,
    operation: 'GetStages',
    run: (req, ctx, [id]) => {
      const deploymentId = req.query.get('deploymentId');
      const stages = findRestApi(ctx, id as string).stages.filter((s) => !deploymentId || s.deploymentId === deploymentId);
      return json(200, { item: stages.map(stageJson) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/restapis\/([^/]+)\/stages\/([^/]+)$/,
    operation: 'GetStage',
    run: (_req, ctx, [id, name]) => json(200, stageJson(findStage(findRestApi(ctx, id as string), name as string))),
  },
  {
    method: 'PATCH',
    pattern: /^\/restapis\/([^/]+)\/stages\/([^/]+)$/,
    operation: 'UpdateStage',
    run: (req, ctx, [id, name]) => updateStage(req, ctx, id as string, name as string),
  },
  {
    method: 'DELETE',
    pattern: /^\/restapis\/([^/]+)\/stages\/([^/]+)$/,
    operation: 'DeleteStage',
    run: (_req, ctx, [id, name]) => deleteStage(ctx, id as string, name as string),
  },
];

function mapItems<T>(paged: { item: T[]; position?: string }, render: (item: T) => Body): Body {
  return { item: paged.item.map(render), ...(paged.position ? { position: paged.position } : {}) };
}

function routeOf(req: SimRequest): { operation: string; run: Handler; params: string[] } | undefined {
  const path = req.path.length > 1 ? req.path.replace(/\/$/, '') : req.path;
  for (const route of ROUTES) {
    if (route.method !== req.method) continue;
    const match = route.pattern.exec(path);
    if (match) return { operation: route.operation, run: route.run, params: match.slice(1) };
  }
  return undefined;
}

function signed(req: SimRequest): boolean {
  return Boolean(req.accessKeyId);
}

export const apigateway: ServiceModule = {
  service: 'apigateway',
  matches: (req) => /^\/(clientcertificates|restapis)(\/|$)/.test(req.path),
  operation: (req) => {
    const route = routeOf(req);
    if (!route) throw notFound(`No operation for ${req.method} ${req.path}`);
    return route.operation;
  },
  handle: (_operation, req, ctx) => {
    if (!signed(req)) throw new AwsError('UnauthorizedException', 401, 'Missing Authentication Token');
    const route = routeOf(req);
    if (!route) throw notFound(`No operation for ${req.method} ${req.path}`);
    return route.run(req, ctx, route.params);
  },
  renderError: (error) => {
    const headers: Record<string, string> = { 'x-amzn-errortype': error.code };
    if (error.extra.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.extra.retryAfterSeconds);
    return json(error.status, { message: error.message }, headers);
  },
  throttlingError: () => new AwsError('TooManyRequestsException', 429, 'Too Many Requests', { retryAfterSeconds: 1 }),
  probe: (subpath, req, ctx) => mtlsProbe(subpath, req, ctx),
  // API Gateway authorizes apigateway:<HTTP verb> on the resource path.
  resourceOf: (_operation, req, ctx) => `arn:aws:apigateway:${ctx.state.region}::${req.path.replace(/\/+$/, '')}`,
};
