/**
 * What the rotation stores in Secrets Manager: the value an application reads to sign URLs
 * (publicKeyId is the Key-Pair-Id). publicKeyId is null in the first pending version, stored
 * before the public key exists anywhere.
 */
import * as z from '../zod';
import { ALGORITHMS } from './key-pair';

export const signingKeySchema = z.object({
  publicKeyId: z.nullable(z.string().check(z.minLength(1))),
  privateKey: z.string().check(z.minLength(1)),
  keyGroupId: z.string().check(z.minLength(1)),
  algorithm: z.enum(ALGORITHMS),
  createdAt: z.iso.datetime(),
});

export type SigningKey = z.infer<typeof signingKeySchema>;
