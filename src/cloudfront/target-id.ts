/**
 * The id that names a CloudFront rotation's target, one rule wherever it appears: the input, the
 * signing key's secret, the reports. A module of its own, so a step that needs only this rule (the
 * failure report) does not bundle the whole input schema.
 */
import * as z from '../zod';

/** A CloudFront key group id, as the input takes it and as the signing key's secret records it (signing-key.ts). */
export const keyGroupIdField = z.string().check(z.regex(/^[A-Za-z0-9-]{1,128}$/, 'must be a CloudFront key group id'));
