/**
 * The id of an API Gateway rotation's target REST API, one rule wherever it appears: the input
 * and the reports. A module of its own, so a step that needs only this rule (the failure report)
 * does not bundle the whole input schema.
 */
import * as z from '../zod';

export const restApiIdField = z.string().check(z.regex(/^[A-Za-z0-9]{1,64}$/, 'must be a REST API id (letters and digits)'));
