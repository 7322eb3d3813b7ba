/** Every workflow keyturn deploys, by its name (serverless/<name>.yml, state-machines/<name>.asl.json). */
import type { Machine } from './asl';
import { definition as checkIamCertExpiry } from './check-iam-cert-expiry';
import { definition as importIamServerCert } from './import-iam-server-cert';
import { definition as rotateApigwClientCert } from './rotate-apigw-client-cert';
import { definition as rotateCloudfrontKey } from './rotate-cloudfront-key';
import { definition as rotateLightsailBucketKey } from './rotate-lightsail-bucket-key';

/**
 * Each workflow's function prefix. The naming scheme (docs/contributing.md): a Task state is
 * "Verb object …"; its function's key in serverless/<workflow>.yml is `<prefix><Verb><Object>`,
 * its handler `functions/<workflow>/<verb>-<object>.ts`, and the handler calls a domain function
 * that starts with the same verb. Function keys share one namespace in the deploy, hence the prefix.
 */
export const FUNCTION_PREFIXES: Readonly<Record<string, string>> = {
  'check-iam-cert-expiry': 'expiry',
  'import-iam-server-cert': 'import',
  'rotate-apigw-client-cert': 'apigw',
  'rotate-cloudfront-key': 'cloudfront',
  'rotate-lightsail-bucket-key': 'lightsail',
};

export const WORKFLOWS: Readonly<Record<string, Machine>> = {
  'check-iam-cert-expiry': checkIamCertExpiry,
  'import-iam-server-cert': importIamServerCert,
  'rotate-apigw-client-cert': rotateApigwClientCert,
  'rotate-cloudfront-key': rotateCloudfrontKey,
  'rotate-lightsail-bucket-key': rotateLightsailBucketKey,
};
