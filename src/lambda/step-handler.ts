/**
 * The wrapper every Task handler is made with (Powertools/Middy style, without middleware):
 * validate the event with the step's schema (InvalidInputError naming the field and the rule),
 * put the Lambda context, the execution name and the workflow's own keys on every log line,
 * and call the step with the collaborators built once per container. Errors propagate as
 * thrown: their `name` is what the state machine's Retry/Catch match.
 *
 * Builds no AWS client itself: each workflow's wiring in `functions/<workflow>/lib/` says
 * which collaborators its steps get (through src/aws/clients.ts), so a bundle holds only the
 * clients its workflow uses.
 */
import type { z } from 'zod';
import { logger } from '../logger';
import { parseInput } from '../validation';

export type LambdaContext = Parameters<typeof logger.addContext>[0];

export type LogKeys = Record<string, unknown>;

export interface StepWiring<D, E extends object> {
  /** The step's collaborators; called on every invocation, so build them with `once`. */
  collaborators: () => D;
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

/** Makes a workflow's `stepHandler(schema, step)`. */
export function stepHandlerFor<D, E extends object = Readonly<Record<string, unknown>>>(wiring: StepWiring<D, E>) {
  return function stepHandler<S extends z.ZodType<object>, R>(schema: S, step: (event: z.infer<S>, deps: D) => Promise<R>): StepHandler<R> {
    return async (event, context) => {
      if (context) logger.addContext(context);
      const parsed = parseInput(schema, event, wiring.allowedFields);
      // The execution name, when the state machine passes it in (`$$.Execution.Name`).
      const { executionName } = parsed as { executionName?: unknown };
      const keys = { ...(typeof executionName === 'string' && { executionName }), ...wiring.logKeys?.(parsed as E) };
      logger.appendKeys(keys);
      try {
        return await step(parsed, wiring.collaborators());
      } finally {
        logger.removeKeys(Object.keys(keys));
      }
    };
  };
}
