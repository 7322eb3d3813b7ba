/**
 * What the secret holds for a bucket, validated on every read. The ids are checked by the rules
 * the input's are: a secret anyone with write access edited is input too, and its ids reach
 * errors and Slack.
 */
import * as z from '../zod';
import { REGION } from '../aws/target-account';
import { bucketNameField } from './target-id';

export const accessKeySecretSchema = z.object({
  accessKeyId: z.string().check(z.regex(/^[A-Z0-9]{16,128}$/, 'must be a bucket access key id (16-128 upper-case letters and digits)')),
  secretAccessKey: z.string().check(z.minLength(1)),
  bucketName: bucketNameField,
  region: z.string().check(z.regex(REGION, 'must be an AWS region such as us-east-1')),
});

export type AccessKeySecret = z.infer<typeof accessKeySecretSchema>;
