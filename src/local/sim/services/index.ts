import type { ServiceModule } from '../protocol';
import { apigateway } from './apigateway';
import { cloudfront } from './cloudfront';
import { events } from './events';
import { iam } from './iam';
import { lightsail } from './lightsail';
import { s3 } from './s3';
import { secretsmanager } from './secretsmanager';
import { stepFunctions } from './stepfunctions';
import { sts } from './sts';

/** Every simulated service, keyed by its SigV4 signing name. */
export const services: Record<string, ServiceModule> = {
  cloudfront,
  events,
  iam,
  apigateway,
  lightsail,
  secretsmanager,
  s3,
  sts,
  // Without an executor StartExecution fails; startSimulator({ executor }) replaces this entry.
  states: stepFunctions(),
};
