/** What the secret holds for a bucket: the documented shape, validated on every read. */
import * as z from '../zod';

export const accessKeySecretSchema = z.object({
  accessKeyId: z.string().check(z.regex(/^[A-Z0-9]{16,128}$/)),
  secretAccessKey: z.string().check(z.minLength(1)),
  bucketName: z.string().check(z.minLength(1)),
  region: z.string().check(z.minLength(1)),
});

export type AccessKeySecret = z.infer<typeof accessKeySecretSchema>;
