/**
 * Invariant violations the harness found in workflows owned by others, each skipped (it.skip)
 * under its own name until fixed. Remove the entry once the workflow is fixed: the case runs again.
 * Keys: `<workflow> | <case>` exactly as the ledger names the case.
 */

export const KNOWN_BUGS: Record<string, string> = {};

export const knownBug = (workflow: string, label: string): string | undefined => KNOWN_BUGS[`${workflow} | ${label}`];
