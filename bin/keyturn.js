#!/usr/bin/env node
// The keyturn CLI. The CLI runs from TypeScript sources through tsx (a runtime dependency), so
// `keyturn run --local` executes exactly the handlers the tests exercise.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
