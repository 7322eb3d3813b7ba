/** Task "Report failure to Slack": the rule or error that stopped the import, and what stays. */
import * as z from '../../src/zod';
import { secretsManagerClient } from '../../src/aws/clients';
import { reportWorkflowFailure } from '../../src/iam/workflow-messages';
import { failureField } from '../../src/lambda/failure-fields';
import { stepHandler } from './lib/wiring';

const eventSchema = z.object({
  state: z.object({
    slackWebhookSecretId: z.string().check(z.minLength(1)),
    serverCertificateName: z.optional(z.unknown()),
    failedState: z.string(),
    failure: failureField,
    imported: z.optional(z.object({ arn: z.string() })),
  }),
  executionName: z.string(),
});

export const handler = stepHandler(eventSchema, ({ state, executionName }, deps) =>
  reportWorkflowFailure(deps, state.slackWebhookSecretId, {
    workflow: 'import-iam-server-cert',
    failedState: state.failedState,
    failure: state.failure,
    // Nothing to undo: a rejected certificate uploaded nothing; an uploaded one is what was asked for.
    kept: state.imported ? [`uploaded server certificate ${state.imported.arn}`] : [],
    executionName,
  }),
{ secrets: secretsManagerClient });
