/**
 * The simulator's whole world, as plain JSON so `--state FILE` can keep it across restarts.
 * Each service module owns one slice of `services`, created on first use through `slice()`.
 */
export interface CallRecord {
  seq: number;
  time: string;
  service: string;
  operation: string;
  status: number;
  errorCode?: string;
  /** The keyturn function that made the call, from the `fn/<name>` user-agent token, if any. */
  caller?: string;
  accessKeyId?: string;
  /** The account the call acted in (the caller's, or an assumed role's). */
  account?: string;
  /** The region of the world the call acted in. */
  region?: string;
  /** The assumed-role ARN (`arn:aws:sts::<account>:assumed-role/<role>/<session>`), for calls made with AssumeRole credentials. */
  principal?: string;
  /** The ARN of the resource the call touched, when the service knows it (least-privilege checks). */
  resource?: string;
}

export interface SlackMessage {
  seq: number;
  time: string;
  /** Path after `/_sim/slack`, e.g. `/T000/B000/XXXX`. */
  path: string;
  status: number;
  /** The parsed JSON body (or the raw text when it was not JSON). */
  body: unknown;
}

export interface SimState {
  accountId: string;
  region: string;
  clockOffsetMs: number;
  /** The home world: the simulator's own account in its own region. */
  services: Record<string, unknown>;
  /** Every other world, keyed `<accountId>/<region>`, created when a request first acts there. */
  worlds?: Record<string, { services: Record<string, unknown> }>;
  slack: SlackMessage[];
  calls: CallRecord[];
  /**
   * Ids the next created resources of a kind take (`POST /_sim/next-ids`), so a seeded world can
   * hold the ids a config names, as an account that already has those resources does.
   */
  nextIds?: Record<string, string[]>;
}

/** The resource kinds whose next ids a seed may choose, each with the form AWS gives them. */
export const SEEDABLE_IDS: Record<string, RegExp> = {
  'cloudfront.keyGroup': /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'apigateway.restApi': /^[a-z0-9]{10}$/,
};

/** The next chosen id of `kind` that is not taken, if any is queued. */
export function takeNextId(state: SimState, kind: string, taken: (id: string) => boolean): string | undefined {
  const queue = state.nextIds?.[kind];
  while (queue?.length) {
    const id = queue.shift()!;
    if (!taken(id)) return id;
  }
  return undefined;
}

export const DEFAULT_ACCOUNT_ID = '123456789012';

export function emptyState(accountId = DEFAULT_ACCOUNT_ID, region = 'us-east-1'): SimState {
  return { accountId, region, clockOffsetMs: 0, services: {}, slack: [], calls: [] };
}

/** The slice of `services` a module owns, created with `init` the first time. */
export function slice<T extends object>(state: SimState, service: string, init: () => T): T {
  let value = state.services[service] as T | undefined;
  if (!value) {
    value = init();
    state.services[service] = value;
  }
  return value;
}

/** What `--state FILE` keeps: the world, not the call log. */
export function persistable(state: SimState): Omit<SimState, 'calls'> {
  const { calls: _calls, ...rest } = state;
  return rest;
}

export function restore(saved: Partial<SimState>): SimState {
  const base = emptyState(saved.accountId, saved.region);
  return {
    ...base,
    clockOffsetMs: saved.clockOffsetMs ?? 0,
    services: saved.services ?? {},
    ...(saved.worlds ? { worlds: saved.worlds } : {}),
    slack: saved.slack ?? [],
  };
}

/**
 * The world of `accountId` in `region`, as a SimState sharing the root's clock, call log and
 * Slack sink. The home world is the root itself, so state files and tests from before accounts
 * existed keep working.
 */
export function worldOf(root: SimState, accountId: string, region: string): SimState {
  if (accountId === root.accountId && region === root.region) return root;
  const key = `${accountId}/${region}`;
  const world = ((root.worlds ??= {})[key] ??= { services: {} });
  return { ...root, accountId, region, services: world.services };
}

/** Every world that exists: home first. */
export function allWorlds(root: SimState): SimState[] {
  return [
    root,
    ...Object.keys(root.worlds ?? {}).map((key) => {
      const [accountId = '', region = ''] = key.split('/');
      return worldOf(root, accountId, region);
    }),
  ];
}
