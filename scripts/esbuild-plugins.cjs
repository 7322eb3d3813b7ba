/**
 * esbuild plugins for the Lambda bundles, shared by `npm run build` (scripts/build.ts) and
 * serverless-esbuild (`plugins` in scripts/esbuild-options.json). CommonJS because
 * serverless-esbuild `require`s this file.
 */
'use strict';
const { readFile } = require('node:fs/promises');

/**
 * `import { z } from 'zod'` → `import * as z from 'zod'` in keyturn's own sources.
 *
 * Why: zod's entry re-exports its namespace as a binding (`import * as z …; export { z }`), and
 * esbuild only tree-shakes a namespace used through `import * as` in the importing module
 * itself. Through the named import every schema kind, JSON-schema support and all 40-odd
 * locales are kept: 444 KB instead of ~85 KB per bundle. Both spellings bind the same module
 * namespace object, so behaviour is unchanged; once sources use `import * as z` this is a no-op.
 */
const NAMED_Z_IMPORT = /^import\s*\{\s*z\s*\}\s*from\s*(['"])zod\1\s*;?/gm;

const zodNamespaceImport = {
  name: 'keyturn-zod-namespace-import',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      const contents = source.replace(NAMED_Z_IMPORT, "import * as z from 'zod';");
      return contents === source ? undefined : { contents, loader: 'ts' };
    });
  },
};

module.exports = [zodNamespaceImport];
