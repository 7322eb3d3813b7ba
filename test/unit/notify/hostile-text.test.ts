/**
 * Every Slack message builder, fed hostile text in each field it interpolates: none may reach
 * Slack as markup it parses (a mention, a link, an entity). Each field's text must arrive, escaped.
 */
import { describe, expect, it } from 'vitest';
import { rotationFailedMessage, rotationSucceededMessage } from '../../../src/notify/rotation-messages';
import { slackEscape } from '../../../src/notify/slack-text';
import { oldKeyInUseMessage } from '../../../src/lightsail/rotation-report';
import { importReportMessage, workflowFailedMessage } from '../../../src/iam/workflow-messages';
import { buildExpiryDigest } from '../../../src/iam/expiry-digest';
import { executionFailureMessage } from '../../../functions/notify-execution-failure/lib/execution-failure';
import { parseValue } from '../../../src/secrets/credential-store';
import { accessKeySecretSchema } from '../../../src/lightsail/access-key-secret';
import { signingKeySchema } from '../../../src/cloudfront/signing-key';
import { trustBundleSchema } from '../../../src/apigateway/trust-store';

/** Text a secret, an AWS message or a config field could carry: a channel-wide mention and a phishing link. */
const hostile = (field: string) => `<!channel> ${field} <https://evil.example|Re-authenticate> &amp <@U0EVIL>`;

function expectInert(message: { text: string; blocks: readonly unknown[] }, fields: string[]): void {
  const rendered = JSON.stringify(message);
  expect(rendered).not.toMatch(/<!channel>|<@U0EVIL>|<https:\/\/evil/);
  // Every field made it into the message, escaped (none silently dropped).
  for (const field of fields) expect(rendered, `field ${field}`).toContain(slackEscape(`<!channel> ${field}`));
  expect(rendered).toContain('&amp;amp');
}

describe('Slack messages escape every interpolated value', () => {
  it('slackEscape turns & < > into entities and leaves the rest', () => {
    expect(slackEscape('<!channel> & <https://x|y> *bold*')).toBe('&lt;!channel&gt; &amp; &lt;https://x|y&gt; *bold*');
  });

  it('rotationSucceededMessage', () => {
    const fields = ['workflow', 'target', 'label', 'value', 'execution'];
    expectInert(
      rotationSucceededMessage({ workflow: hostile('workflow'), target: hostile('target'), facts: { [hostile('label')]: hostile('value') }, executionName: hostile('execution') }),
      fields,
    );
  });

  it('rotationFailedMessage', () => {
    const fields = ['workflow', 'target', 'state', 'error-name', 'error-message', 'undone', 'kept', 'execution'];
    expectInert(
      rotationFailedMessage({
        workflow: hostile('workflow'),
        target: hostile('target'),
        failedState: hostile('state'),
        error: { name: hostile('error-name'), message: hostile('error-message') },
        undone: [hostile('undone')],
        kept: [hostile('kept')],
        executionName: hostile('execution'),
      }),
      fields,
    );
  });

  it('oldKeyInUseMessage (Lightsail)', () => {
    const fields = ['bucket', 'secret', 'new-key', 'old-key', 'service', 'region', 'promoted', 'execution'];
    expectInert(
      oldKeyInUseMessage({
        executionName: hostile('execution'),
        bucketName: hostile('bucket'),
        secretId: hostile('secret'),
        newAccessKeyId: hostile('new-key'),
        oldAccessKeyId: hostile('old-key'),
        oldKeyOutcome: 'kept-in-use',
        oldKeyLastUse: { date: '2026-12-01', serviceName: hostile('service'), region: hostile('region') },
        promotedAt: hostile('promoted'),
      }),
      fields,
    );
  });

  it('importReportMessage (IAM)', () => {
    const fields = ['name', 'arn', 'path', 'execution'];
    expectInert(
      importReportMessage({ serverCertificateName: hostile('name'), arn: hostile('arn'), expiration: '2027-01-01T00:00:00.000Z', path: hostile('path'), usableByCloudFront: false, alreadyImported: false, executionName: hostile('execution') }),
      fields,
    );
  });

  it('workflowFailedMessage (IAM)', () => {
    const fields = ['workflow', 'state', 'error-name', 'error-message', 'kept', 'execution'];
    expectInert(
      workflowFailedMessage({ workflow: hostile('workflow'), failedState: hostile('state'), error: { name: hostile('error-name'), message: hostile('error-message') }, kept: [hostile('kept')], executionName: hostile('execution') }),
      fields,
    );
  });

  it('buildExpiryDigest (IAM)', () => {
    const counts = { expired: 0, critical: 1, warning: 0, notice: 0, ok: 0 };
    const fields = ['account-label', 'name', 'account', 'path', 'arn', 'muted', 'muted-account', 'line-label', 'line-error', 'prefix'];
    expectInert(
      buildExpiryDigest(
        {
          counts,
          alerts: [{ name: hostile('name'), account: hostile('account'), arn: hostile('arn'), path: hostile('path'), expiration: '2027-01-01T00:00:00.000Z', daysLeft: 3, severity: 'critical', threshold: 7, crossedThreshold: true }],
          muted: [{ name: hostile('muted'), account: hostile('muted-account'), daysLeft: 5, severity: 'critical' }],
          crossedCount: 1,
          accounts: [{ label: hostile('line-label'), error: hostile('line-error') }],
        },
        { accountLabel: hostile('account-label'), pathPrefix: hostile('prefix'), thresholdsDays: [7], consoleRegion: 'us-east-1' },
      ),
      fields,
    );
  });

  it('executionFailureMessage (failed executions)', () => {
    const fields = ['error', 'cause', 'state'];
    const message = executionFailureMessage(
      { executionArn: `arn:aws:states:us-east-1:123456789012:execution:keyturn:${'x'}`, stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:keyturn', status: 'FAILED', region: 'us-east-1', error: hostile('error'), cause: hostile('cause') },
      { state: hostile('state') },
    );
    expectInert(message, fields);
  });
});

describe('ids read from a secret are checked by the rules of the inputs', () => {
  const cases = [
    ['a Lightsail key secret whose bucketName is markup', accessKeySecretSchema, { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 's', bucketName: hostile('bucket'), region: 'us-east-1' }, 'bucketName'],
    ['a Lightsail key secret whose region is markup', accessKeySecretSchema, { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 's', bucketName: 'media-uploads', region: hostile('region') }, 'region'],
    ['a CloudFront signing key whose keyGroupId is markup', signingKeySchema, { publicKeyId: null, privateKey: 'k', keyGroupId: hostile('group'), algorithm: 'RSA_2048', createdAt: '2026-12-01T00:00:00.000Z' }, 'keyGroupId'],
    ['a CloudFront signing key whose publicKeyId is markup', signingKeySchema, { publicKeyId: hostile('key'), privateKey: 'k', keyGroupId: 'g-1', algorithm: 'RSA_2048', createdAt: '2026-12-01T00:00:00.000Z' }, 'publicKeyId'],
    ['a trust bundle whose certificate id is markup', trustBundleSchema, { certificates: [{ clientCertificateId: hostile('cert'), pemEncodedCertificate: 'p', expirationDate: 'd' }] }, 'certificates.0.clientCertificateId'],
  ] as const;
  for (const [what, schema, value, field] of cases) {
    it(`refuses ${what}, naming the field and not the value`, () => {
      let error: unknown;
      try {
        parseValue('keyturn/x', 'v1', JSON.stringify(value), schema as never);
      } catch (caught) {
        error = caught;
      }
      expect((error as Error)?.name).toBe('SecretValueInvalidError');
      expect((error as Error).message).toContain(field);
      expect((error as Error).message).not.toContain('channel');
    });
  }
});
