// Tests never reach AWS: credentials are dummies and every client is pointed at a simulator
// started by the test itself (see test/support/sim.ts).
process.env.AWS_ACCESS_KEY_ID ??= 'AKIAIOSFODNN7EXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test-secret-access-key';
process.env.AWS_REGION ??= 'us-east-1';
process.env.SLS_TELEMETRY_DISABLED = '1';
delete process.env.AWS_PROFILE;
