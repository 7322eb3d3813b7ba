/**
 * Dummy credentials, no profile and no per-service endpoint: every SDK call in this process
 * goes to the simulator named by AWS_ENDPOINT_URL, and nothing can reach a real account.
 * Used by `npm start` and `npm run bench`.
 */
export function isolateFromRealAws(logLevel: 'WARN' | 'SILENT'): void {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'simulator-secret-access-key';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_ENDPOINT_URL_')) delete process.env[name];
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.POWERTOOLS_LOG_LEVEL ??= logLevel;
}

/** Requests to the simulator are signed like any SDK call; it accepts any credentials. */
export function ensureSimulatorCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
}

/** Handler logs (Powertools) at WARN unless the user chose a level, so progress lines stay readable. */
export function quietHandlerLogs(): void {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
}
