/**
 * The scenarios `npm start` runs, in order, on a fresh simulator. Each workflow adds one:
 * `seed` creates the demo account's resources through the simulator (its AWS endpoint or its
 * admin API at `simUrl`) and returns the workflow's input.
 *
 *   import { myWorkflowScenario } from './my-workflow';
 *   export const scenarios: DemoScenario[] = [..., myWorkflowScenario];
 */
import { approveCloudfrontRotationScenario } from './approve-cloudfront-rotation';
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
  /** The run waits for an approval: this Slack user presses Approve on the message that asks (src/local/demo/approver.ts). */
  approveAs?: { id: string; name: string };
}

export const scenarios: DemoScenario[] = [rotateCloudfrontKeyScenario, checkIamCertExpiryScenario, importIamServerCertScenario, rotateLightsailBucketKeyScenario, rotateApigwClientCertScenario];

/** What `npm start` runs: one scenario per workflow (the ones `keyturn sim --demo` seeds), then the approval gate's. */
export const demoRuns: DemoScenario[] = [...scenarios, approveCloudfrontRotationScenario];
