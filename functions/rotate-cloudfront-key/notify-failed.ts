/** Task "Notify Slack of the failure" (and of a rotation that could not start): src/lambda/failure-notice.ts. */
import { secretsManagerClient } from '../../src/aws/clients';
import { REPORTED_TARGET } from '../../src/cloudfront/rotation-report';
import { FIRST_STATE } from '../../src/cloudfront/rotation-steps';
import { notifyFailedStep } from '../../src/lambda/failure-notice';
import { stepHandler } from './lib/step-handler';

const notice = notifyFailedStep(REPORTED_TARGET, FIRST_STATE);

export const handler = stepHandler(notice.schema, notice.step, { secrets: secretsManagerClient });
