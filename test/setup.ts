// Tests never reach AWS: credentials are dummies and every client is pointed at a simulator
// started by the test itself (see test/support/sim.ts).
process.env.AWS_ACCESS_KEY_ID ??= 'AKIAIOSFODNN7EXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test-secret-access-key';
process.env.AWS_REGION ??= 'us-east-1';
process.env.SLS_TELEMETRY_DISABLED = '1';
delete process.env.AWS_PROFILE;
// Local Node is 20 by design (Lambda runs nodejs22.x) and the SDK is pinned: its notice that
// future releases need Node 22 is known and would otherwise repeat in every test file.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
