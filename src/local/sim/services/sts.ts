/**
 * AWS STS over the awsQuery protocol (POST / with `Action=…&Version=2011-06-15`, XML answers):
 * AssumeRole and GetCallerIdentity, enough for keyturn to act in another account.
 *
 * Roles are not created through IAM here; they are declared to the simulator with
 * `POST /_sim/sts/roles {"roleArn", "trustedAccountIds"?, "maxSessionDurationSeconds"?}` (default:
 * trusted by the simulator's own account, 3600 s, AWS's default MaxSessionDuration) and listed by
 * `GET /_sim/sts/roles`. The credentials AssumeRole returns are remembered; the server resolves
 * every later request signed with them to the role's account (src/local/sim/server.ts), so what
 * an assumed role does lands in that account's world, and an expired or forged session fails.
 *
 * Choices where AWS is unconfirmed (the stricter reading, per aws-facts.md):
 * - an unknown role and a role whose trust policy does not name the caller's account answer the
 *   same AccessDenied, as AWS does (it does not reveal whether the role exists);
 * - a session from role chaining (an assumed role assuming another) lasts at most one hour, as
 *   AWS documents; DurationSeconds above it, or above the role's maximum, is a ValidationError.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { XMLBuilder } from 'fast-xml-parser';
import { AwsError, json, requestId, xml, type ServiceModule, type SimContext, type SimRequest, type SimResponse } from '../protocol';
import { slice } from '../state';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const VERSION = '2011-06-15';
const DEFAULT_MAX_SESSION_SECONDS = 3600;
const CHAINED_MAX_SECONDS = 3600;

export interface RoleRecord {
  roleArn: string;
  /** Accounts the role's trust policy lets assume it. */
  trustedAccountIds: string[];
  maxSessionDurationSeconds: number;
  /** Stable per role, like IAM's `AROA…` role id. */
  roleId: string;
}

export interface SessionRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  roleArn: string;
  sessionName: string;
  /** `arn:aws:sts::<account>:assumed-role/<role name>/<session name>` */
  assumedRoleArn: string;
  /** ISO 8601. */
  expiration: string;
}

export interface StsState {
  roles: Record<string, RoleRecord>;
  sessions: Record<string, SessionRecord>;
}

/** The STS slice: always the simulator's own (home) world, since roles and sessions span accounts. */
export function stsState(ctx: SimContext): StsState {
  const s = slice<StsState>(ctx.home, 'sts', () => ({ roles: {}, sessions: {} }));
  s.roles ??= {};
  s.sessions ??= {};
  return s;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\u0021-\u007E]+\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]*$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomId(prefix: string, length: number): string {
  let id = prefix;
  while (id.length < length) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_' });

function respond(operation: string, result: Record<string, unknown>): SimResponse {
  return xml(
    200,
    builder.build({
      [`${operation}Response`]: { '@_xmlns': NAMESPACE, [`${operation}Result`]: result, ResponseMetadata: { RequestId: requestId() } },
    }) as string,
  );
}

function validation(problems: string[]): AwsError {
  return new AwsError('ValidationError', 400, `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`);
}

function assumeRole(form: URLSearchParams, req: SimRequest, ctx: SimContext): SimResponse {
  const roleArn = form.get('RoleArn');
  const sessionName = form.get('RoleSessionName');
  const durationRaw = form.get('DurationSeconds');
  const problems: string[] = [];
  if (roleArn === null) problems.push("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  else if (roleArn.length < 20 || roleArn.length > 2048) {
    problems.push(`Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length between 20 and 2048`);
  }
  if (sessionName === null) problems.push("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  else {
    if (sessionName.length < 2 || sessionName.length > 64) {
      problems.push(`Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64`);
    }
    if (!SESSION_NAME.test(sessionName)) {
      problems.push(`Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    }
  }
  let duration = DEFAULT_MAX_SESSION_SECONDS;
  if (durationRaw !== null) {
    duration = Number(durationRaw);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
      problems.push(`Value '${durationRaw}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
    }
  }
  if (problems.length) throw validation(problems);

  const caller = req.principal!;
  const role = stsState(ctx).roles[roleArn!];
  if (!role || !role.trustedAccountIds.includes(caller.accountId)) {
    throw new AwsError('AccessDenied', 403, `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  }
  const chained = caller.assumedRole !== undefined;
  const limit = chained ? Math.min(CHAINED_MAX_SECONDS, role.maxSessionDurationSeconds) : role.maxSessionDurationSeconds;
  if (duration > limit) {
    throw new AwsError(
      'ValidationError',
      400,
      chained
        ? 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
        : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  const [, accountId, roleName] = ROLE_ARN.exec(role.roleArn)!;
  const session: SessionRecord = {
    accessKeyId: randomId('ASIA', 20),
    secretAccessKey: randomBytes(30).toString('base64').slice(0, 40),
    sessionToken: randomBytes(96).toString('base64'),
    accountId: accountId!,
    roleArn: role.roleArn,
    sessionName: sessionName!,
    assumedRoleArn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    expiration: new Date(ctx.now() + duration * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  stsState(ctx).sessions[session.accessKeyId] = session;
  ctx.persist();
  return respond('AssumeRole', {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: session.expiration,
    },
    AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${sessionName}`, Arn: session.assumedRoleArn },
    PackedPolicySize: 0,
  });
}

function getCallerIdentity(req: SimRequest): SimResponse {
  const caller = req.principal!;
  return respond('GetCallerIdentity', { UserId: caller.userId, Account: caller.accountId, Arn: caller.arn });
}

function formOf(req: SimRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString('utf8'));
}

/** `POST /_sim/sts/roles` declares (or replaces) an assumable role; `GET` lists them. */
function rolesProbe(req: SimRequest, ctx: SimContext): SimResponse {
  const state = stsState(ctx);
  if (req.method === 'GET') return json(200, { roles: Object.values(state.roles) });
  if (req.method !== 'POST') return json(405, { error: 'use GET or POST' });
  let body: { roleArn?: unknown; trustedAccountIds?: unknown; maxSessionDurationSeconds?: unknown };
  try {
    body = JSON.parse(req.body.toString('utf8') || '{}') as typeof body;
  } catch {
    return json(400, { error: 'body is not valid JSON' });
  }
  if (typeof body.roleArn !== 'string' || !ROLE_ARN.test(body.roleArn)) {
    return json(400, { error: 'roleArn must be an IAM role ARN: arn:aws:iam::<12 digits>:role/<name>' });
  }
  const trusted = body.trustedAccountIds ?? [ctx.home.accountId];
  if (!Array.isArray(trusted) || !trusted.every((a) => typeof a === 'string' && /^\d{12}$/.test(a))) {
    return json(400, { error: 'trustedAccountIds must be a list of 12-digit account ids' });
  }
  const max = body.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_SECONDS;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 3600 || max > 43200) {
    return json(400, { error: 'maxSessionDurationSeconds must be a whole number of seconds from 3600 to 43200' });
  }
  const role: RoleRecord = {
    roleArn: body.roleArn,
    trustedAccountIds: trusted as string[],
    maxSessionDurationSeconds: max,
    roleId: state.roles[body.roleArn]?.roleId ?? randomId('AROA', 21),
  };
  state.roles[role.roleArn] = role;
  ctx.persist();
  return json(200, role);
}

export const sts: ServiceModule = {
  service: 'sts',
  scope: 'home',
  matches: (req) => req.method === 'POST' && req.path === '/' && /(^|&)Version=2011-06-15(&|$)/.test(req.body.toString('utf8')),
  operation: (req) => {
    const form = formOf(req);
    const action = form.get('Action');
    if (!action) throw new AwsError('MissingAction', 400, 'Missing Action');
    if (form.get('Version') !== VERSION || (action !== 'AssumeRole' && action !== 'GetCallerIdentity')) {
      throw new AwsError('InvalidAction', 400, `Could not find operation ${action} for version ${form.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
    }
    return action;
  },
  handle: (operation, req, ctx) => (operation === 'AssumeRole' ? assumeRole(formOf(req), req, ctx) : getCallerIdentity(req)),
  renderError: (error) =>
    xml(
      error.status,
      builder.build({
        ErrorResponse: {
          '@_xmlns': NAMESPACE,
          Error: { Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: error.code, Message: error.message },
          RequestId: requestId(),
        },
      }) as string,
    ),
  throttlingError: () => new AwsError('Throttling', 400, 'Rate exceeded'),
  resourceOf: (operation, req) => (operation === 'AssumeRole' ? formOf(req).get('RoleArn') ?? undefined : undefined),
  probe: (subpath, req, ctx) => {
    if (subpath === '/roles') return rolesProbe(req, ctx);
    return json(404, { error: `no STS simulator route ${req.method} /_sim/sts${subpath}` });
  },
};
