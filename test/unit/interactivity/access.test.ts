import { describe, expect, it } from 'vitest';
import * as z from '../../../src/zod';
import { decideAccess, slackAccessSchema } from '../../../src/interactivity/access';

const access = z.parse(slackAccessSchema, {
  allow: { retry: { users: ['U0ONCALL'], channels: ['C0OPS'] } },
  targets: { 'media-signing-key': { retry: { users: ['U0MEDIA'] } }, 'locked-down': {} },
});

describe('decideAccess', () => {
  it('allows a listed user, or anyone in a listed channel, by the global rule', () => {
    expect(decideAccess(access, { action: 'retry', target: 'orders', userId: 'U0ONCALL' })).toEqual({ allowed: true, rule: 'slack.allow.retry' });
    expect(decideAccess(access, { action: 'retry', target: 'orders', userId: 'U0OTHER', channelId: 'C0OPS' }).allowed).toBe(true);
    expect(decideAccess(access, { action: 'retry', target: 'orders', userId: 'U0OTHER', channelId: 'C0RANDOM' }).allowed).toBe(false);
  });

  it("lets a target's own rule replace the global one for that action", () => {
    expect(decideAccess(access, { action: 'retry', target: 'media-signing-key', userId: 'U0MEDIA' })).toEqual({ allowed: true, rule: 'targets.media-signing-key.slack.allow.retry' });
    // The global on-call user and channel are not listed by the target's own rule.
    expect(decideAccess(access, { action: 'retry', target: 'media-signing-key', userId: 'U0ONCALL', channelId: 'C0OPS' }).allowed).toBe(false);
  });

  it('denies everyone when no rule names the action, and a target name an object already has never matches a rule', () => {
    const none = z.parse(slackAccessSchema, {});
    expect(decideAccess(none, { action: 'retry', target: 'orders', userId: 'U0ONCALL' })).toEqual({ allowed: false, rule: 'no slack.allow.retry rule' });
    expect(decideAccess(access, { action: 'retry', target: 'locked-down', userId: 'U0ONCALL' }).allowed).toBe(true);
    expect(decideAccess(access, { action: 'retry', target: '__proto__', userId: 'U0NOBODY' }).allowed).toBe(false);
  });

  it('refuses ids that are not Slack user or channel ids, naming the field', () => {
    const bad = slackAccessSchema.safeParse({ allow: { retry: { users: ['alice'] } } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['allow', 'retry', 'users', 0], message: 'must be a Slack user id such as U024BE7LH' });
    expect(slackAccessSchema.safeParse({ allow: { deploy: {} } }).success).toBe(false);
  });
});
