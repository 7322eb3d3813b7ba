/**
 * Which Node keyturn's own processes (the CLI, `npm start`) run on. The AWS SDK warns on every
 * process started with Node < 22, in a multi-line block between the progress lines; keyturn turns
 * that warning off (its documented switch) and says it once itself, in one line, and only when
 * the Node in use is past its end of life. Deployed functions run on nodejs22.x and are not
 * concerned. Beside offline-env.ts: both set up the environment of keyturn's own local processes.
 */

/** End of life of each Node major (nodejs.org/en/about/previous-releases). */
export const NODE_END_OF_LIFE: Readonly<Record<number, string>> = { 18: '2025-04-30', 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30' };

/** The SDK's own switch for its Node-version warning (@aws-sdk/core, emitWarningIfUnsupportedVersion). */
export const SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** Turns the SDK's warning off unless the user set the switch themselves. */
export function quietSdkNodeWarning(env: NodeJS.ProcessEnv = process.env): void {
  env[SDK_NODE_WARNING_SWITCH] ??= 'true';
}

/** One line when `version` is past its end of life at `today`; nothing otherwise (or for a major the table does not know). */
export function nodeSupportLine(version: string = process.version, today: Date = new Date()): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  const endOfLife = NODE_END_OF_LIFE[major];
  if (!endOfLife || today.getTime() <= Date.parse(`${endOfLife}T23:59:59Z`)) return undefined;
  return `keyturn: running on Node ${version.replace(/^v/, '')}, past its end of life (${endOfLife}); keyturn deploys to nodejs22.x: use Node 22 or later here too`;
}

/** At a process's start: the SDK's warning off, and keyturn's own line once on stderr when it applies (an interactive terminal only: scripts get clean output). */
export function announceNodeSupport(stderr: NodeJS.WriteStream = process.stderr): void {
  quietSdkNodeWarning();
  const line = nodeSupportLine();
  if (line && stderr.isTTY) stderr.write(`${line}\n`);
}
