/** Task "Ask approval to retire the old credential" (and "Ask approval to start the rotation"): src/rotation/approval.ts. */
import { secretsManagerClient } from '../../src/aws/clients';
import { REPORTED_TARGET } from '../../src/cloudfront/rotation-report';
import { askApprovalStep } from '../../src/lambda/approval-step';
import { stepHandler } from './lib/step-handler';

const ask = askApprovalStep(REPORTED_TARGET);

export const handler = stepHandler(ask.schema, ask.step, { secrets: secretsManagerClient });
