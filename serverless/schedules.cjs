// Generated deploy resources from keyturn.config.yml, resolved by serverless while packaging:
//   custom.keyturn: ${file(./serverless/schedules.cjs):config}      the validated config
//   resources:      - ${file(./serverless/schedules.cjs):resources} schedules, alarms, logging, tracing
// The config is validated by the same code as `keyturn config check` (src/config, loaded through
// tsx), so an invalid config fails `npm run package` with the same messages. Offline: it reads
// files only. KEYTURN_CONFIG names another config file.
'use strict';

const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
let loading;

function load() {
  loading ??= (async () => {
    const tsx = require('tsx/cjs/api');
    const { loadConfig } = tsx.require('../src/config/load-config.ts', __filename);
    const { deployResources } = tsx.require('../src/config/deploy-resources.ts', __filename);
    const { targetRolePolicies } = tsx.require('../src/config/target-role-policies.ts', __filename);
    const { kmsKeyPolicies } = tsx.require('../src/config/kms-key-policies.ts', __filename);
    const { SNOOZE_SECRET_ID } = tsx.require('../src/iam/snoozes.ts', __filename);
    const { slackEndpointVariables } = tsx.require('../src/config/slack-endpoint-environment.ts', __filename);
    const file = resolve(root, process.env.KEYTURN_CONFIG || 'keyturn.config.yml');
    try {
      return { config: loadConfig(file, { root }), deployResources, targetRolePolicies, kmsKeyPolicies, SNOOZE_SECRET_ID, slackEndpointVariables };
    } catch (error) {
      // serverless prints the stack of a failed resolver: make it just the message.
      error.stack = `${error.message}\n(checked by keyturn config check --config ${file})`;
      throw error;
    }
  })();
  return loading;
}

/** `stepFunctions.stateMachines` keys → workflow, from the `${file(serverless/<workflow>.yml):stateMachine}` lines. */
async function deployedMachines() {
  const { parse } = require('yaml');
  const text = readFileSync(join(root, 'serverless.yml'), 'utf8');
  const machines = (parse(text) && parse(text).stepFunctions && parse(text).stepFunctions.stateMachines) || {};
  return Object.entries(machines).flatMap(([key, value]) => {
    const match = typeof value === 'string' ? /^\$\{file\(\.?\/?serverless\/([a-z0-9-]+)\.ya?ml\):stateMachine\}$/.exec(value.trim()) : null;
    return match ? [{ key, workflow: match[1] }] : [];
  });
}

/**
 * The server-certificate ARNs import-iam-server-cert's role may act on, in the deploy's partition
 * and account (a target in another account acts through its role there): one per path the import
 * targets name (default /), each `server-certificate<path>*`. With no import target, the default path.
 */
function serverCertificateArns(config) {
  const paths = [...new Set(config.targets.filter((t) => t.workflow === 'import-iam-server-cert').map((t) => t.input.path || '/'))];
  return (paths.length ? paths : ['/']).sort().map((path) => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:server-certificate${path}*`]],
  }));
}

/** The distinct string values of one input field over a workflow's targets (enabled or not: `keyturn run --target` runs those too). */
function inputValues(config, workflow, field) {
  return config.targets.filter((t) => t.workflow === workflow).map((t) => t.input[field]);
}

/**
 * IAM resource ARNs of the named secrets, in the deploy's partition, region and account. A name
 * gets Secrets Manager's 6-character suffix (`-??????`); a full ARN is kept as given. With none
 * named, one that names no secret (`keyturn/none-configured/<what>`), so the statement grants nothing.
 */
function secretArns(ids, what) {
  const names = [...new Set(ids.filter((id) => typeof id === 'string' && id))].sort();
  return (names.length ? names : [`keyturn/none-configured/${what}`]).map((id) =>
    id.startsWith('arn:')
      ? id
      : { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:secret:${id}-??????`]] },
  );
}

module.exports = {
  async config() {
    const { config, SNOOZE_SECRET_ID, slackEndpointVariables } = await load();
    return {
      stage: config.stage,
      region: config.region,
      slackWebhookSecretId: config.slackWebhookSecretId || '',
      // Space-separated for the functions' KEYTURN_SLACK_WEBHOOK_URL_PREFIXES (URLs hold no spaces).
      slackWebhookUrlPrefixes: config.slackWebhookUrlPrefixes.join(' '),
      // Where import-iam-server-cert may upload: keyturn's account, under the paths its targets name.
      serverCertificateArns: serverCertificateArns(config),
      // Which secrets each workflow's functions may touch: the ones its targets name, nothing else.
      credentialSecrets: {
        cloudfront: secretArns(inputValues(config, 'rotate-cloudfront-key', 'secretId'), 'rotate-cloudfront-key'),
        lightsail: secretArns(inputValues(config, 'rotate-lightsail-bucket-key', 'secretId'), 'rotate-lightsail-bucket-key'),
        apigw: secretArns(inputValues(config, 'rotate-apigw-client-cert', 'trustStoreSecretId'), 'rotate-apigw-client-cert'),
        importCertificates: secretArns(inputValues(config, 'import-iam-server-cert', 'sourceSecretId'), 'import-iam-server-cert'),
      },
      // The notifiers read only the Slack webhook secrets the config names (never a credential).
      webhookSecrets: secretArns([config.slackWebhookSecretId, ...config.targets.map((t) => t.input.slackWebhookSecretId)], 'slack-webhook'),
      targets: config.targets.map((t) => t.name),
      // keyturn's messages carry buttons only when a Slack app takes their clicks (KEYTURN_SLACK_BUTTONS).
      slackButtons: config.slack ? 'true' : 'false',
      slack: config.slack
        ? {
            signingSecretId: config.slack.signingSecretId,
            signingSecret: secretArns([config.slack.signingSecretId], 'slack-signing-secret'),
            snoozeSecret: secretArns([SNOOZE_SECRET_ID], 'expiry-snoozes'),
            // Who may do what from Slack (src/interactivity/access.ts SlackAccess) and the targets the
            // commands act on: the endpoint's KEYTURN_SLACK_ACCESS and KEYTURN_SLACK_TARGETS.
            ...slackEndpointVariables(config),
            // `/keyturn status` reads when each credential's current version was made (never a value).
            credentialSecrets: secretArns(config.targets.flatMap((t) => ['secretId', 'trustStoreSecretId'].map((f) => t.input[f])), 'credentials'),
          }
        : {},
    };
  },
  /** serverless/slack-interactivity.yml's functions when keyturn.config.yml has a `slack:` block; none otherwise. */
  async slackFunctions() {
    const { config } = await load();
    if (!config.slack) return {};
    const { parse } = require('yaml');
    return parse(readFileSync(join(root, 'serverless', 'slack-interactivity.yml'), 'utf8')).functions;
  },
  async resources({ resolveConfigurationProperty }) {
    const { config, deployResources, targetRolePolicies, kmsKeyPolicies } = await load();
    const machines = [];
    for (const { key, workflow } of await deployedMachines()) {
      const name = await resolveConfigurationProperty(['stepFunctions', 'stateMachines', key, 'name']);
      machines.push({ key, workflow, ...(typeof name === 'string' ? { name } : {}) });
    }
    const stage = await resolveConfigurationProperty(['provider', 'stage']);
    const resources = deployResources({ ...config, stage: typeof stage === 'string' ? stage : config.stage }, machines);
    // sts:AssumeRole on the roles targets name, for the functions acting there (src/config/target-role-policies.ts).
    Object.assign(resources.Resources, targetRolePolicies(config, root));
    // kms:Decrypt / kms:GenerateDataKey on the keys targets name, for the functions using their secrets.
    Object.assign(resources.Resources, kmsKeyPolicies(config, root));
    return resources;
  },
};
