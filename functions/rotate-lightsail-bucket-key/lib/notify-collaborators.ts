/** Collaborators of the Slack steps (the webhook secret's client comes from the shared set). */
import type { NotifyDeps } from '../../../src/cloudfront/rotation-report';
import { logger } from '../../../src/logger';
import type { HttpPost } from '../../../src/notify/slack';
import { collaborators } from './step-handler';

export function notifyCollaborators(): NotifyDeps {
  return {
    secrets: collaborators().secrets,
    fetch: ((url, init) => fetch(url, init)) as HttpPost,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: logger,
  };
}
