import { describe, expect, it } from 'vitest';
import { parseRotationInput } from '../../../src/cloudfront/rotation-config';
import { InvalidInputError } from '../../../src/errors';

const valid = { keyGroupId: '3f1e2d4c-0000-4000-8000-000000000001', secretId: 'keyturn/cloudfront/media' };
const errorOf = (input: unknown) => {
  try {
    parseRotationInput(input, 'exec');
  } catch (error) {
    return error as InvalidInputError;
  }
  throw new Error('expected InvalidInputError');
};

describe('parseRotationInput', () => {
  it('applies the documented defaults and takes the execution name as rotationId', () => {
    expect(parseRotationInput(valid, 'exec-1')).toEqual({
      ...valid,
      graceSeconds: 86_400,
      maxKeyAgeDays: 90,
      force: false,
      dryRun: false,
      algorithm: 'RSA_2048',
      rotationId: 'exec-1',
    });
  });

  it('names the field and the rule', () => {
    const error = errorOf({ ...valid, secretId: 'prod/other' });
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.field).toBe('secretId');
    expect(error.rule).toMatch(/keyturn\//);
    expect(errorOf({ ...valid, graceSeconds: 1.5 }).field).toBe('graceSeconds');
    expect(errorOf({ ...valid, algorithm: 'DSA' }).field).toBe('algorithm');
    expect(errorOf({ secretId: valid.secretId }).field).toBe('keyGroupId');
  });

  it('rejects unknown fields', () => {
    const error = errorOf({ ...valid, gracePeriod: 10 });
    expect(error.field).toBe('gracePeriod');
    expect(error.rule).toMatch(/unknown field/);
  });
});
