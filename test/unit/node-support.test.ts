import { describe, expect, it } from 'vitest';
import { nodeSupportLine, quietSdkNodeWarning, SDK_NODE_WARNING_SWITCH } from '../../src/local/node-support';

describe('nodeSupportLine', () => {
  it('says once, in one line, that a Node past its end of life is in use', () => {
    expect(nodeSupportLine('v20.20.2', new Date('2026-12-05T00:00:00Z'))).toBe(
      'keyturn: running on Node 20.20.2, past its end of life (2026-04-30); keyturn deploys to nodejs22.x: use Node 22 or later here too',
    );
  });

  it('says nothing while the Node is supported, on its last day included, or for a major it does not know', () => {
    expect(nodeSupportLine('v20.20.2', new Date('2026-04-30T12:00:00Z'))).toBeUndefined();
    expect(nodeSupportLine('v22.11.0', new Date('2026-12-05T00:00:00Z'))).toBeUndefined();
    expect(nodeSupportLine('v99.0.0', new Date('2026-12-05T00:00:00Z'))).toBeUndefined();
  });

  it("turns the SDK's own warning off, unless the user chose otherwise", () => {
    const env: NodeJS.ProcessEnv = {};
    quietSdkNodeWarning(env);
    expect(env[SDK_NODE_WARNING_SWITCH]).toBe('true');
    const chosen: NodeJS.ProcessEnv = { [SDK_NODE_WARNING_SWITCH]: 'false' };
    quietSdkNodeWarning(chosen);
    expect(chosen[SDK_NODE_WARNING_SWITCH]).toBe('false');
  });
});
