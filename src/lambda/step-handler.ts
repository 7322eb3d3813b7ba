/**
 * The wrapper every Task handler is made with (Powertools/Middy style, without middleware):
 * validate the event with the step's schema (InvalidInputError naming the field and the rule),
 * put the Lambda context, the execution name and the workflow's own keys on every log line,
 * and call the step with the collaborators built once per container. Errors propagate as
 * thrown: their `name` is what the state machine's Retry/Catch match.
 *
 * A target in another account or region (the event's `account`, src/aws/target-account.ts) gets its
 * clients built per invocation with the target in their settings: the target's own service then
 * acts through the role assumed there, in a session named after the execution.
 *
 * Builds no AWS client itself: each workflow's wiring in `functions/<workflow>/lib/` says
 * which collaborators its steps get, and each handler names the client factories (from
 * src/aws/clients.ts) its step uses. A client is built the first time the step reads it, and a
 * factory no handler names is not imported, so esbuild leaves its SDK client out of the bundle.
 */
import type * as z from '../zod';
import { clientSettings, type ClientSettings } from '../aws/clients';
import { targetAccountIn, type TargetAccount } from '../aws/target-account';
import { logger } from '../logger';
import { parseInput } from '../validation';

export type LambdaContext = Parameters<typeof logger.addContext>[0];

export type LogKeys = Record<string, unknown>;

/** The factories of the AWS clients a handler names (src/aws/clients.ts), by collaborator. */
export type ClientFactories<C> = { [K in keyof C]?: (settings?: ClientSettings) => C[K] };

export interface StepWiring<D extends C, E extends object, C extends object> {
  /**
   * Every collaborator but the AWS clients; built once per handler, at its first invocation (per
   * invocation for a target in another account or region). `region`: the target's.
   */
  collaborators: (where: { region: string }) => Omit<D, keyof C>;

  /** The AWS clients the workflow's steps may use: each step gets those its handler names. */
  clients: readonly (keyof C & string)[];
  /**
   * The workflow's keys for every log line, from the validated event. `E` is what every step's
   * event may hold (declare its fields optional: not every step receives them).
   */
  logKeys?: (event: E) => LogKeys;
  /** Listed in the rule when the event holds an unknown field. */
  allowedFields?: readonly string[];
}

export type StepHandler<R> = (event: unknown, context?: LambdaContext) => Promise<R>;

/** `build()` the first time it is asked for, so endpoint and region come from the environment at first invocation. */
export function once<T extends object>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

/**
 * `base` plus one property per client in `clients`, built by its factory on first read (then
 * kept). Reading a client the handler did not name is a wiring mistake, said as such.
 */
export function withClients<D extends C, C extends object>(
  base: Omit<D, keyof C>,
  clients: readonly (keyof C & string)[],
  named: ClientFactories<C>,
  settings?: ClientSettings,
): D {
  const deps = { ...base } as D;
  for (const key of clients) {
    const factory = named[key];
    let built: C[typeof key] | undefined;
    Object.defineProperty(deps, key, {
      enumerable: true,
      get: () => {
        if (!factory) throw new Error(`the ${key} client is not named by this step's handler: add it to stepHandler(schema, step, { ${key} })`);
        return (built ??= settings ? factory(settings) : factory());
      },
    });
  }
  return deps;
}

/** Makes a workflow's `stepHandler(schema, step, clients)`: `clients` names the AWS clients the step uses. */
export function stepHandlerFor<D extends C, C extends object, E extends object = Readonly<Record<string, unknown>>>(wiring: StepWiring<D, E, C>) {
  return function stepHandler<S extends z.core.$ZodType<object>, R>(
    schema: S,
    step: (event: z.infer<S>, deps: D) => Promise<R>,
    clients: ClientFactories<C>,
  ): StepHandler<R> {
    const collaborators = once(() => withClients<D, C>(wiring.collaborators({ region: clientSettings().region }), wiring.clients, clients));
    return async (event, context) => {
      if (context) logger.addContext(context);
      const parsed = parseInput(schema, event, wiring.allowedFields);
      // The execution name, which every Task is passed (`$$.Execution.Name`); read from the event
      // itself, since a step's schema may drop fields it does not use.
      const executionName = (event as { executionName?: unknown } | null)?.executionName;
      const named = typeof executionName === 'string' ? executionName : undefined;
      const account = targetAccountIn(parsed as Parameters<typeof targetAccountIn>[0]);
      const keys = { ...(named && { executionName: named }), ...(account && { targetAccount: account }), ...wiring.logKeys?.(parsed as E) };
      logger.appendKeys(keys);
      try {
        return await step(parsed, account?.roleArn || account?.region ? inTarget(account, named) : collaborators());
      } finally {
        logger.removeKeys(Object.keys(keys));
      }
    };

    /** This invocation's collaborators for a target elsewhere: new clients, a session for this execution. */
    function inTarget(account: TargetAccount, executionName: string | undefined): D {
      const settings: ClientSettings = { ...clientSettings(), target: { account, executionName } };
      return withClients<D, C>(wiring.collaborators({ region: account.region ?? settings.region }), wiring.clients, clients, settings);
    }
  };
}
