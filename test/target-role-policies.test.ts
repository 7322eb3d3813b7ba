/**
 * Issue 7, acting in other accounts: `npm run package` grants sts:AssumeRole, on exactly the roles
 * keyturn.config.yml names, to the roles of the functions that act in targets — and to nothing
 * when no target names a role (the packaged project, whose config names none: test/package.test.ts).
 * Which calls need which grant is proven on the simulator in test/workflows/cross-account.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { normalizedName } from '../src/config/deploy-resources';
import { functionsActingInTargets } from '../src/config/target-role-policies';

const repo = fileURLToPath(new URL('..', import.meta.url));
const ROLE = 'arn:aws:iam::111122223333:role/keyturn-target';

describe('the resources packaging adds for targets in other accounts (serverless/schedules.cjs)', () => {
  const previous = process.env.KEYTURN_CONFIG;
  afterEach(() => {
    if (previous === undefined) delete process.env.KEYTURN_CONFIG;
    else process.env.KEYTURN_CONFIG = previous;
  });

  it('attaches one sts:AssumeRole policy per acting function, on the configured roles only', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keyturn-accounts-')), 'keyturn.config.yml');
    writeFileSync(
      file,
      stringify({
        slackWebhookSecretId: 'keyturn/slack/webhook',
        targets: {
          media: { workflow: 'rotate-cloudfront-key', roleArn: ROLE, region: 'eu-west-1', input: { keyGroupId: 'kg', secretId: 'keyturn/cloudfront/media' } },
          eu: { workflow: 'rotate-lightsail-bucket-key', region: 'eu-west-1', input: { bucketName: 'eu-uploads', secretId: 'keyturn/lightsail/eu' } },
        },
      }),
    );
    process.env.KEYTURN_CONFIG = file;
    const schedules = createRequire(import.meta.url)('../serverless/schedules.cjs') as {
      resources(options: { resolveConfigurationProperty: (path: string[]) => Promise<unknown> }): Promise<{ Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }>;
    };

    const { Resources } = await schedules.resources({ resolveConfigurationProperty: async (path) => (path[0] === 'provider' ? 'dev' : undefined) });

    const policies = Object.entries(Resources).filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.endsWith('TargetRolesPolicy'));
    const acting = functionsActingInTargets(repo, 'rotate-cloudfront-key');
    expect(policies.map(([id]) => id).sort()).toEqual(acting.map((fn) => `${normalizedName(fn)}TargetRolesPolicy`).sort());
    for (const [, policy] of policies) {
      expect(policy.Properties.PolicyDocument).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [ROLE] }] });
    }
    expect(Resources.CloudfrontCheckRotationDueTargetRolesPolicy?.Properties.Roles).toEqual([{ Ref: 'CloudfrontCheckRotationDueIamRoleLambdaExecution' }]);
  });
});
