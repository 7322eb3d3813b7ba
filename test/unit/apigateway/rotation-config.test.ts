import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors';
import { parseRotationInput } from '../../../src/apigateway/rotation-config';

const valid = { restApiId: 'abc123defg', trustStoreSecretId: 'keyturn/apigw/trust' };

function rejection(input: unknown): InvalidInputError {
  try {
    parseRotationInput(input, 'exec-1');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected InvalidInputError');
}

describe('parseRotationInput', () => {
  it('applies the documented defaults and takes the execution name as rotationId', () => {
    expect(parseRotationInput(valid, 'exec-1')).toEqual({ ...valid, renewBeforeDays: 30, force: false, dryRun: false, graceSeconds: 3600, rotationId: 'exec-1' });
  });

  it.each([
    [{ renewBeforeDays: -1 }, 'renewBeforeDays', /must not be negative/],
    [{ renewBeforeDays: 1.5 }, 'renewBeforeDays', /whole number/],
    [{ renewBeforeDays: 365 }, 'renewBeforeDays', /at most 364/],
    [{ graceSeconds: -1 }, 'graceSeconds', /must not be negative/],
    [{ restApiId: 'no/such' }, 'restApiId', /REST API id/],
    [{ trustStoreSecretId: 'prod/trust' }, 'trustStoreSecretId', /under keyturn\//],
    [{ stageNames: [] }, 'stageNames', /at least one stage/],
    [{ stageNames: ['prod', 'prod'] }, 'stageNames', /must not repeat/],
    [{ stageNames: ['pr od'] }, 'stageNames.0', /stage name/],
    [{ force: 'yes' }, 'force', /./],
  ])('rejects %j naming %s', (extra, field, rule) => {
    const error = rejection({ ...valid, ...extra });
    expect(error.field).toBe(field);
    expect(error.rule).toMatch(rule);
  });

  describe('tags, checked against API Gateway’s rules before any call', () => {
    it.each([
      [{ 'aws:owner': 'me' }, 'tags.aws:owner', /must not start with aws:/],
      [{ 'AWS:owner': 'me' }, 'tags.AWS:owner', /must not start with aws:/],
      [{ 'team name': 'x' }, 'tags.team name', /tag keys may hold only/],
      [{ team: 'a b' }, 'tags.team', /tag values may hold only/],
      [{ team: 'é' }, 'tags.team', /tag values may hold only/],
      [{ ['k'.repeat(129)]: 'x' }, `tags.${'k'.repeat(129)}`, /1-128 characters/],
      [{ team: 'v'.repeat(257) }, 'tags.team', /at most 256/],
      [{ 'managed-by': 'me' }, 'tags.managed-by', /reserved for keyturn/],
    ])('rejects %j', (tags, field, rule) => {
      const error = rejection({ ...valid, tags });
      expect(error.field).toBe(field);
      expect(error.rule).toMatch(rule);
    });

    it('rejects more tags than API Gateway allows beside keyturn’s own', () => {
      const tags = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, 'v']));
      expect(rejection({ ...valid, tags }).rule).toMatch(/at most 47 tags/);
    });

    it('accepts letters, digits and + - = . _ : /', () => {
      expect(parseRotationInput({ ...valid, tags: { 'cost-center:id/x': 'a+b=c.d_e:f/1' } }, 'e').tags).toEqual({ 'cost-center:id/x': 'a+b=c.d_e:f/1' });
    });
  });

  it('rejects unknown fields, naming them', () => {
    const error = rejection({ ...valid, gracePeriod: 10 });
    expect(error.field).toBe('gracePeriod');
    expect(error.rule).toMatch(/unknown field/);
  });

  it('never echoes a value in the error', () => {
    expect(rejection({ ...valid, trustStoreSecretId: 'https://hooks.slack.example/SECRET' }).message).not.toContain('SECRET');
  });
});
