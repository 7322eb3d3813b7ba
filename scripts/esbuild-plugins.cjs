/**
 * The esbuild plugins of the Lambda build: `plugins` in scripts/esbuild-options.json names this
 * file, which serverless-esbuild `require`s when packaging (hence CommonJS) and scripts/build.ts
 * loads for `npm run build`, the budget test and the benchmark.
 *
 * sdk-schema-literal-keys (issue 9). An AWS SDK v3 client declares every shape of its service in
 * one module, `dist-es/schemas/schemas_0.js`, as arrays such as
 *   const _h = "http";
 *   export var GetKeyGroup$ = [9, n0, _GKG, { [_h]: ["GET", "/2020-05-31/key-group/{Id}", 200] }, ...];
 * esbuild drops an unused declaration only when its initializer cannot run code, and a computed
 * key it cannot see the value of (`[_h]`) might (its toString), so it kept every schema holding
 * one, and all they point to: every operation of the service, in every bundle that sends one
 * command (CloudFront ~66 KB of ~135, S3 ~60 of ~98). Writing the key as the string the module's
 * own `const` holds builds the same object; esbuild then leaves out the schemas nobody reaches.
 * Only keys whose name the module declares as a string constant are rewritten. What stays is the
 * error classes: the module registers each with its TypeRegistry when loaded (that is how a
 * modelled error becomes its class, which `instanceof` needs), so all of them are kept. *
 * no-event-streams (issue 9). @smithy/core loads its event-stream support (~19 KB) with a
 * dynamic `import("@smithy/core/event-streams")`, only for an operation whose input or output
 * is an event stream; esbuild, making one file per function, inlines it into every bundle.
 * No operation keyturn sends has one (of the clients it uses, only S3's SelectObjectContent
 * does), so the Lambda bundles get a stand-in that fails loudly, naming the cause, if that
 * ever changes (the S3 client's own config still imports the event-stream marshaller, ~9 KB,
 * statically). Local runs (runner, CLI, tests) import the SDK from node_modules as it is.
 *
 * sdk-package-version-only (issue 9). Each SDK client's runtime config imports its whole
 * `package.json` (~2.3 KB minified: description, scripts, dependencies) to read one field,
 * `version`, for the user agent. The Lambda bundles get `{ "version" }` alone: the same user agent.
 */
'use strict';

const { readFileSync } = require('node:fs');

/** `schemas_<n>.js` of an `@aws-sdk/client-*` ESM build. */
const SDK_SCHEMAS = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/** `text` with each computed key `[_x]:` written as the string literal `const _x = "…";` declares. */
function literalSchemaKeys(text) {
  const strings = new Map([...text.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)].map((m) => [m[1], m[2]]));
  return text.replace(/\[(_\w+)\]:/g, (key, name) => (strings.has(name) ? `${strings.get(name)}:` : key));
}

/** @type {import('esbuild').Plugin} */
const sdkSchemaLiteralKeys = {
  name: 'sdk-schema-literal-keys',
  setup(build) {
    build.onLoad({ filter: SDK_SCHEMAS }, (args) => ({ contents: literalSchemaKeys(readFileSync(args.path, 'utf8')), loader: 'js' }));
  },
};

const EVENT_STREAMS_LEFT_OUT = `const leftOut = () => {
  throw new Error('keyturn: this Lambda bundle leaves out @smithy/core/event-streams (scripts/esbuild-plugins.cjs), but an operation needs it');
};
export const EventStreamSerde = leftOut;
export const eventStreamSerdeProvider = leftOut;
`;

/** @type {import('esbuild').Plugin} */
const noEventStreams = {
  name: 'no-event-streams',
  setup(build) {
    build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: 'event-streams-left-out', namespace: 'keyturn' } : undefined,
    );
    build.onLoad({ filter: /^event-streams-left-out$/, namespace: 'keyturn' }, () => ({ contents: EVENT_STREAMS_LEFT_OUT, loader: 'js' }));
  },
};

/** `package.json` of an `@aws-sdk/client-*` package: its runtime config reads `version` only. */
const SDK_CLIENT_PACKAGE_JSON = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/;

/** @type {import('esbuild').Plugin} */
const sdkPackageVersionOnly = {
  name: 'sdk-package-version-only',
  setup(build) {
    build.onLoad({ filter: SDK_CLIENT_PACKAGE_JSON }, (args) => ({
      contents: JSON.stringify({ version: JSON.parse(readFileSync(args.path, 'utf8')).version }),
      loader: 'json',
    }));
  },
};

module.exports = [sdkSchemaLiteralKeys, noEventStreams, sdkPackageVersionOnly];
module.exports.literalSchemaKeys = literalSchemaKeys;
module.exports.SDK_SCHEMAS = SDK_SCHEMAS;
