/**
 * The scenarios `npm start` runs, in order, on a fresh simulator. Each workflow adds one:
 * `seed` creates the demo account's resources through the simulator (its AWS endpoint or its
 * admin API at `simUrl`) and returns the workflow's input.
 *
 *   import { myWorkflowScenario } from './my-workflow';
 *   export const scenarios: DemoScenario[] = [..., myWorkflowScenario];
 */
import { checkIamCertExpiryScenario } from './check-iam-cert-expiry';
import { importIamServerCertScenario } from './import-iam-server-cert';
import { rotateApigwClientCertScenario } from './rotate-apigw-client-cert';
import { rotateCloudfrontKeyScenario } from './rotate-cloudfront-key';
import { rotateLightsailBucketKeyScenario } from './rotate-lightsail-bucket-key';

export interface DemoScenario {
  /** A workflow name: serverless/<workflow>.yml and state-machines/<workflow>.asl.json. */
  workflow: string;
  /** One line for the audience: what this run shows. */
  describe: string;
  seed(simUrl: string): Promise<unknown>;
}

export const scenarios: DemoScenario[] = [rotateCloudfrontKeyScenario, checkIamCertExpiryScenario, importIamServerCertScenario, rotateLightsailBucketKeyScenario, rotateApigwClientCertScenario];
