/**
 * The name of a Lightsail rotation's target bucket, one rule wherever it appears: the input, the
 * access key's secret, the reports. A module of its own, so a step that needs only this rule (the
 * failure report) does not bundle the whole input schema.
 */
import * as z from '../zod';

/** A Lightsail bucket name, as the input takes it and as a secret records it (access-key-secret.ts). */
export const bucketNameField = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,52}[a-z0-9]$/, 'must be a Lightsail bucket name (3-54 lower-case letters, digits, -)'));
