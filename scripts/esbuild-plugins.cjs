/**
 * The esbuild plugins of the Lambda build: `plugins` in scripts/esbuild-options.json names this
 * file, which serverless-esbuild `require`s when packaging (hence CommonJS) and scripts/build.ts
 * loads for `npm run build`, the budget test and the benchmark.
 *
 * sdk-schemas, first rewrite: literal keys, to keep bundles within their 300 KB budget. An AWS SDK v3 client declares every shape of its service in
 * one module, `dist-es/schemas/schemas_0.js`, as arrays such as
 *   const _h = "http";
 *   export var GetKeyGroup$ = [9, n0, _GKG, { [_h]: ["GET", "/2020-05-31/key-group/{Id}", 200] }, ...];
 * esbuild drops an unused declaration only when its initializer cannot run code, and a computed
 * key it cannot see the value of (`[_h]`) might (its toString), so it kept every schema holding
 * one, and all they point to: every operation of the service, in every bundle that sends one
 * command (CloudFront ~66 KB of ~135, S3 ~60 of ~98). Writing the key as the string the module's
 * own `const` holds builds the same object; esbuild then leaves out the schemas nobody reaches.
 * Only keys whose name the module declares as a string constant are rewritten.
 *
 * sdk-schemas, second rewrite: error classes keyturn names, for the same budget. The same module registers
 * every modelled error of its service with a TypeRegistry when it is loaded (CloudFront: 153
 * classes, ~45 KB), which keeps them all in every bundle; the registry is how an error code
 * becomes its class. An error code the registry does not hold becomes the service's base
 * exception (`CloudFrontServiceException`, ...) with the same `name`, message, `$fault` and
 * `$metadata` (@aws-sdk/core's ProtocolLib), which is all keyturn, the SDK's retry rules and the
 * state machines' Retry/Catch read of an error keyturn does not single out. So a registration
 * stays only where its class can matter:
 *   - the class is imported from that client anywhere in keyturn's source (src/, functions/):
 *     keyturn tells it apart by `instanceof`;
 *   - the SDK retries it by its class (`$retryable`);
 *   - its wire code is not its name (an `awsQueryError` trait, as IAM's and STS's errors have:
 *     without the class the name would be the wire code, e.g. `NoSuchEntity`);
 *   - the service's base exception, which the others fall back to.
 * test/bundle-errors.test.ts checks, on the simulator, that bundled code gets the same errors
 * as the SDK from node_modules.
 *
 * no-event-streams, for the same budget. @smithy/core loads its event-stream support (~19 KB) with a
 * dynamic `import("@smithy/core/event-streams")`, only for an operation whose input or output
 * is an event stream; esbuild, making one file per function, inlines it into every bundle.
 * No operation keyturn sends has one (of the clients it uses, only S3's SelectObjectContent
 * does), so the Lambda bundles get a stand-in that fails loudly, naming the cause, if that
 * ever changes (the S3 client's own config still imports the event-stream marshaller, ~9 KB,
 * statically). Local runs (runner, CLI, tests) import the SDK from node_modules as it is.
 *
 * sdk-package-version-only, for the same budget. Each SDK client's runtime config imports its whole
 * `package.json` (~2.3 KB minified: description, scripts, dependencies) to read one field,
 * `version`, for the user agent. The Lambda bundles get `{ "version" }` alone: the same user agent.
 */
'use strict';

const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/** `schemas_<n>.js` of an `@aws-sdk/client-*` ESM build. */
const SDK_SCHEMAS = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/** `text` with each computed key `[_x]:` written as the string literal `const _x = "…";` declares. */
function literalSchemaKeys(text) {
  const strings = new Map([...text.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)].map((m) => [m[1], m[2]]));
  return text.replace(/\[(_\w+)\]:/g, (key, name) => (strings.has(name) ? `${strings.get(name)}:` : key));
}

/** `<package>/dist-es/...` of a file inside an `@aws-sdk/client-*` package: the package's directory and name. */
function sdkClientPackage(path) {
  const match = /^(.*[\\/]@aws-sdk[\\/](client-[^\\/]+))[\\/]dist-es[\\/]/.exec(path);
  return match ? { dir: match[1], name: `@aws-sdk/${match[2]}` } : undefined;
}

/** Every `.ts` file under `dir` (none when it does not exist). */
function typeScriptFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The values (not types) keyturn's source imports from each `@aws-sdk/client-*` package, by
 * package name; a namespace import (`* as`) makes its package keep everything (`'*'`).
 */
function sdkNamesImported(root) {
  const named = new Map();
  const add = (pkg, name) => (named.get(pkg) ?? named.set(pkg, new Set()).get(pkg)).add(name);
  for (const file of ['src', 'functions'].flatMap((dir) => typeScriptFiles(join(root, dir)))) {
    const text = readFileSync(file, 'utf8');
    for (const [, clause, pkg] of text.matchAll(/\bimport\s+(?!type\b)([^'";]*?)\s+from\s+['"](@aws-sdk\/client-[a-z0-9-]+)['"]/g)) {
      if (/\*\s+as\s/.test(clause)) add(pkg, '*');
      for (const part of /\{([^}]*)\}/.exec(clause)?.[1]?.split(',') ?? []) {
        const name = part.trim().split(/\s+as\s+/)[0];
        if (name && !name.startsWith('type ')) add(pkg, name);
      }
    }
  }
  return named;
}

/** Error classes of a client that the SDK retries by their class (`$retryable`, models/errors.js). */
function retryableErrorClasses(packageDir) {
  const path = join(packageDir, 'dist-es', 'models', 'errors.js');
  if (!existsSync(path)) return new Set();
  const classes = readFileSync(path, 'utf8').split(/^export class /m).slice(1);
  return new Set(classes.filter((body) => /^\s*\$retryable\b/m.test(body)).map((body) => /^\w+/.exec(body)[0]));
}

/**
 * `text` (a schemas module, its keys already literal) without the `registerError` calls of
 * error classes `keep` does not hold, unless their wire code is not their name or they are
 * the base exception (registered on the `_s` registry).
 */
function keepErrorRegistrations(text, keep) {
  if (keep.has('*')) return text;
  const queryCoded = new Set([...text.matchAll(/^export var (\w+)\$ = \[-3,[^;]*?"awsQueryError":/gm)].map((m) => m[1]));
  return text.replace(/^(\w+)_registry\.registerError\((\w+)\$, (\w+)\);$/gm, (line, registry, schema, errorClass) =>
    registry === '_s' || keep.has(errorClass) || queryCoded.has(schema) ? line : '',
  );
}

/** @type {import('esbuild').Plugin} */
const sdkSchemas = {
  name: 'sdk-schemas',
  setup(build) {
    // keyturn's root: the build's working directory when given (scripts/build.ts), else this file's project.
    const root = build.initialOptions.absWorkingDir ?? join(__dirname, '..');
    let imported;
    build.onLoad({ filter: SDK_SCHEMAS }, (args) => {
      imported ??= sdkNamesImported(root);
      const pkg = sdkClientPackage(args.path);
      const keep = new Set([...(imported.get(pkg?.name) ?? []), ...(pkg ? retryableErrorClasses(pkg.dir) : [])]);
      return { contents: keepErrorRegistrations(literalSchemaKeys(readFileSync(args.path, 'utf8')), keep), loader: 'js' };
    });
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

module.exports = [sdkSchemas, noEventStreams, sdkPackageVersionOnly];
module.exports.literalSchemaKeys = literalSchemaKeys;
module.exports.keepErrorRegistrations = keepErrorRegistrations;
module.exports.sdkNamesImported = sdkNamesImported;
module.exports.SDK_SCHEMAS = SDK_SCHEMAS;
