/**
 * The config's slackWebhookUrlPrefixes reach every deployed function (KEYTURN_SLACK_WEBHOOK_URL_PREFIXES),
 * where the webhook rule reads them (src/lambda/runtime.ts): the packaged template, as deployed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { webhookUrlPrefixes } from '../src/config/function-environment';
import { packageProject, type PackagedTemplate } from './support/packaged-template';

let template: PackagedTemplate;
beforeAll(async () => {
  template = await packageProject();
}, 180_000);

describe('slackWebhookUrlPrefixes in the deploy', () => {
  it('gives every function KEYTURN_SLACK_WEBHOOK_URL_PREFIXES (none in the committed config: only Slack itself)', () => {
    const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(10);
    for (const [id, fn] of functions) {
      const variables = (fn.Properties.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {};
      expect(variables, id).toHaveProperty('KEYTURN_SLACK_WEBHOOK_URL_PREFIXES', '');
    }
  });

  it('reads the prefixes space-separated, as the deploy writes them', () => {
    expect(webhookUrlPrefixes({ KEYTURN_SLACK_WEBHOOK_URL_PREFIXES: 'https://a.example/slack/  http://127.0.0.1:4566/_sim/slack/' })).toEqual([
      'https://a.example/slack/',
      'http://127.0.0.1:4566/_sim/slack/',
    ]);
    expect(webhookUrlPrefixes({})).toEqual([]);
  });
});
