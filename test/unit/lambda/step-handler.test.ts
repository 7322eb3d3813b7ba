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
