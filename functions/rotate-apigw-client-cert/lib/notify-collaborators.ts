/** Collaborators of the Slack steps (the webhook secret's client comes from the shared set). */
import type { NotifyDeps } from '../../../src/apigateway/rotation-report';
import type { HttpPost } from '../../../src/notify/slack';
import { logger } from '../../../src/logger';
import { collaborators } from './step-handler';

export function notifyCollaborators(): NotifyDeps {
  return {
    secrets: collaborators().secrets,
    fetch: ((url, init) => fetch(url, init)) as HttpPost,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: logger,
  };
}
