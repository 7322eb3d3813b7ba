/**
 * How hard the reliability harness tries. `npm test` runs a fast slice (a sampled crash point per
 * workflow, a few property runs); `KEYTURN_RELIABILITY=long` (what `npm run test:reliability`
 * sets) tries every state, every race and many more fault storms.
 */
export const LONG = process.env.KEYTURN_RELIABILITY === 'long';

/** fast-check runs per workflow and property. */
export const PROPERTY_RUNS = Number(process.env.KEYTURN_RELIABILITY_RUNS ?? (LONG ? 25 : 1));

/**
 * A fixed seed replays a failure: KEYTURN_RELIABILITY_SEED=<printed seed>. The default slice uses
 * a fixed seed so `npm test` is repeatable; long runs draw a new one each time (and print it).
 */
export const PROPERTY_SEED =
  process.env.KEYTURN_RELIABILITY_SEED !== undefined ? Number(process.env.KEYTURN_RELIABILITY_SEED) : LONG ? undefined : 20_261_124;

/**
 * Fault storms: at most STORM_MAX_FAULTS fault lists a storm, each failing up to STORM_MAX_COUNT
 * calls. The default slice keeps every kind of fault (throttling, 5xx, latency) but shorter
 * storms: a throttled call waits out the SDK's real backoff (up to seconds per retry).
 */
export const STORM_MAX_FAULTS = LONG ? 5 : 3;
export const STORM_MAX_COUNT = LONG ? 4 : 2;

/** Long runs wait longer per test: a workflow run is ~0.3-1 s and a property makes dozens. */
export const TEST_TIMEOUT_MS = LONG ? 600_000 : 60_000;
