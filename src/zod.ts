/**
 * zod as keyturn uses it: the `zod/mini` API with zod's English messages. Import `z` from here,
 * never from 'zod'.
 *
 * Why mini: classic zod's schemas carry every method (`.regex()`, `.default()`, …) on their
 * prototypes, so a bundle holds all of zod (~88 KB minified) whatever it uses; mini's functions
 * (`z.regex()`, `z._default()`, …) tree-shake, ~40 KB with the messages (the 300 KB
 * budget). Both share `z.core`, so a mini schema is checked and reported on like a classic one.
 * Why here: mini loads no locale, and without one every issue says only "Invalid input"; this
 * module sets English once, before any schema of a module importing it can be parsed. A message
 * passed to a check (`z.regex(re, 'must be …')`) wins over the locale, as in classic zod.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
