/**
 * What the rotation stores in Secrets Manager: the value an application reads to sign URLs
 * (publicKeyId is the Key-Pair-Id). publicKeyId is null in the first pending version, stored
 * before the public key exists anywhere.
 */
import * as z from '../zod';
import { ALGORITHMS } from './key-pair';
import { keyGroupIdField } from './rotation-config';

/** Its ids are checked like the input's: a secret edited by hand is input too, and its ids reach errors and Slack. */
export const signingKeySchema = z.object({
  publicKeyId: z.nullable(z.string().check(z.regex(/^[A-Z0-9]{1,128}$/, 'must be a CloudFront public key id'))),
  privateKey: z.string().check(z.minLength(1)),
  keyGroupId: keyGroupIdField,
  algorithm: z.enum(ALGORITHMS),
  createdAt: z.iso.datetime(),
});

export type SigningKey = z.infer<typeof signingKeySchema>;
