/**
 * The collaborators the Lambda runtime itself provides (clock, fetch, timers, the logger), in the
 * narrow shapes domain code asks for. Tests and the local runner pass their own instead.
 */
import { webhookUrlPrefixes } from '../config/function-environment';
import { logger } from '../logger';
import type { NotifyDeps } from '../notify/slack';
import type { SecretsClient } from '../secrets/credential-store';

export const now = (): Date => new Date();

/** The global fetch, assignable to each narrow shape domain code asks for (HttpPost, Fetch). */
export const httpFetch = (url: string, init?: RequestInit): Promise<Response> => fetch(url, init);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What a Slack step needs, reading the webhook through `secrets` (the workflow's own client). */
export function notifyCollaborators(secrets: SecretsClient): NotifyDeps {
  return { secrets, fetch: httpFetch, sleep, log: logger, webhookUrlPrefixes: webhookUrlPrefixes() };
}
