import { describe, expect, it, vi } from 'vitest';
import * as z from '../../../src/zod';
import { stepHandlerFor } from '../../../src/lambda/step-handler';

interface Deps {
  region: string;
  cloudFront: { name: string };
  secrets: { name: string };
}

const stepHandler = stepHandlerFor<Deps, Pick<Deps, 'cloudFront' | 'secrets'>>({
  collaborators: () => ({ region: 'eu-west-1' }),
  clients: ['cloudFront', 'secrets'],
});

describe('stepHandlerFor', () => {
  it('builds a client the handler names at its first use, once per container, and no other', async () => {
    const secretsFactory = vi.fn(() => ({ name: 'secrets' }));
    const handler = stepHandler(
      z.object({ read: z.boolean() }),
      async ({ read }, deps) => (read ? deps.secrets.name : deps.region),
      { secrets: secretsFactory },
    );

    expect(await handler({ read: false })).toBe('eu-west-1');
    expect(secretsFactory).not.toHaveBeenCalled();
    expect(await handler({ read: true })).toBe('secrets');
    expect(await handler({ read: true })).toBe('secrets');
    expect(secretsFactory).toHaveBeenCalledTimes(1);
  });

  it('names the client a step reads without its handler naming it', async () => {
    const handler = stepHandler(z.object({}), async (_event, deps) => deps.cloudFront.name, { secrets: () => ({ name: 'secrets' }) });

    await expect(handler({})).rejects.toThrow("the cloudFront client is not named by this step's handler");
  });
});

describe('stepHandlerFor, for a target in another account or region', () => {
  it("builds the clients for each invocation with the target and the execution name in their settings, and the target's region for collaborators", async () => {
    const seen: unknown[] = [];
    const handler = stepHandler(
      z.object({ config: z.object({ account: z.object({ roleArn: z.string(), region: z.string() }) }) }),
      async (_event, deps) => [deps.region, deps.cloudFront.name],
      { cloudFront: (settings) => (seen.push(settings?.target), { name: 'cloudFront' }) },
    );
    const account = { roleArn: 'arn:aws:iam::111122223333:role/keyturn-target', region: 'ap-southeast-2' };

    expect(await handler({ config: { account }, executionName: 'exec-1' })).toEqual(['eu-west-1', 'cloudFront']);
    await handler({ config: { account }, executionName: 'exec-2' });

    expect(seen).toEqual([
      { account, executionName: 'exec-1' },
      { account, executionName: 'exec-2' },
    ]);
  });
});
