/**
 * docs/simulator-fidelity.md is the audit trail of the simulator's documented rules: it must list
 * exactly the rules the contract tests quote, and a quote must be AWS's own sentence.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fidelityRows, renderFidelity } from '../../scripts/simulator-fidelity';
import { documented } from '../support/sdk-docs';

describe('docs/simulator-fidelity.md', () => {
  it('is what npm run docs:fidelity writes from the contract tests (every quoted rule, each with its source and test)', () => {
    const rows = fidelityRows();
    expect(rows.length).toBeGreaterThan(50);
    expect(new Set(rows.map((r) => r.client))).toEqual(new Set(['secrets-manager', 'iam', 'cloudfront', 'api-gateway', 'lightsail', 'sts', 'sfn', 'eventbridge']));
    expect(readFileSync('docs/simulator-fidelity.md', 'utf8')).toBe(renderFidelity(rows));
  });

  it('refuses a quote that is not in the SDK documentation, or an operation the client does not have', () => {
    expect(() => documented('secrets-manager', 'PutSecretValue', 'The first version of a secret becomes AWSCURRENT.')).toThrow(/does not document/);
    expect(() => documented('secrets-manager', 'RotateEverything', 'anything')).toThrow(/has no operation/);
    // Markup and line breaks of the .d.ts text do not matter; the words do.
    expect(documented('secrets-manager', 'PutSecretValue', 'If this operation creates the first version for the secret,\n then Secrets Manager automatically attaches the staging label AWSCURRENT to it.').source).toBe(
      'dist-types/commands/PutSecretValueCommand.d.ts',
    );
  });
});
