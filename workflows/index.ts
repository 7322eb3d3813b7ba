/** Every workflow keyturn deploys, by its name (serverless/<name>.yml, state-machines/<name>.asl.json). */
import type { Machine } from './asl';
import { definition as checkIamCertExpiry } from './check-iam-cert-expiry';
import { definition as importIamServerCert } from './import-iam-server-cert';
import { definition as rotateApigwClientCert } from './rotate-apigw-client-cert';
import { definition as rotateCloudfrontKey } from './rotate-cloudfront-key';
import { definition as rotateLightsailBucketKey } from './rotate-lightsail-bucket-key';

export const WORKFLOWS: Readonly<Record<string, Machine>> = {
  'check-iam-cert-expiry': checkIamCertExpiry,
  'import-iam-server-cert': importIamServerCert,
  'rotate-apigw-client-cert': rotateApigwClientCert,
  'rotate-cloudfront-key': rotateCloudfrontKey,
  'rotate-lightsail-bucket-key': rotateLightsailBucketKey,
};
