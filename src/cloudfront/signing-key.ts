/**
 * What the rotation stores in Secrets Manager: the value an application reads to sign URLs
 * (publicKeyId is the Key-Pair-Id). publicKeyId is null in the first pending version, stored
 * before the public key exists anywhere.
 */
import * as z from '../zod';
import { ALGORITHMS } from './key-pair';
import { keyGroupIdField } from './target-id';

/** Its ids are checked like the input's: a secret edited by hand is input too, and its ids reach errors and Slack. */
export const signingKeySchema = z.object({
  publicKeyId: z.nullable(z.string().check(z.regex(/^[A-Z0-9]{1,128}$/, 'must be a CloudFront public key id'))),
  privateKey: z.string().check(z.minLength(1)),
  keyGroupId: keyGroupIdField,
  algorithm: z.enum(ALGORITHMS),
  createdAt: z.iso.datetime(),
});

export type SigningKey = z.infer<typeof signingKeySchema>;

/**
 * A signing key a person stored in the secret before keyturn took it over: at least the private
 * key, ideally its Key-Pair-Id (publicKeyId) and key group. keyturn was told to rotate this secret,
 * and the secret says which key signs: that key is adopted and retired after the grace period like
 * keyturn's own. Without a publicKeyId the key group's key with the same public half is the one.
 */
export const handMadeSigningKeySchema = z.looseObject({
  privateKey: z.string().check(z.minLength(1)),
  publicKeyId: z.optional(z.nullable(z.string().check(z.regex(/^[A-Z0-9]{1,128}$/, 'must be a CloudFront public key id')))),
  keyGroupId: z.optional(keyGroupIdField),
});

/** What AWSCURRENT or AWSPREVIOUS may hold: a key keyturn stored, or one stored by hand. */
export const storedSigningKeySchema = z.union([signingKeySchema, handMadeSigningKeySchema]);

export type HandMadeSigningKey = z.infer<typeof handMadeSigningKeySchema>;
export type StoredSigningKey = z.infer<typeof storedSigningKeySchema>;

export const isKeyturnKey = (key: StoredSigningKey): key is SigningKey => z.safeParse(signingKeySchema, key).success;
