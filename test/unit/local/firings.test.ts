/**
 * The local stack fires schedules when EventBridge would. The table is the cron examples of the
 * EventBridge user guide ("Cron expressions reference",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html), each with the
 * firings it means, and its wildcards as the guide words them; times are UTC ("All scheduled
 * events use UTC+0 time zone, and the minimum precision for a schedule is one minute.").
 */
import { describe, expect, it } from 'vitest';
import { firingsBetween, scheduleOf, UnsupportedScheduleError } from '../../../src/local/stack/firings';

/** Saturday 5 December 2026, 21:40 UTC. */
const FROM = new Date('2026-12-05T21:40:00Z');
const first = (expression: string, count: number, from = FROM) => {
  const schedule = scheduleOf(expression, from);
  const out: string[] = [];
  for (let at = schedule.next(from); at && out.length < count; at = schedule.next(at)) out.push(at.toISOString().slice(0, 16));
  return out;
};

describe('when a schedule fires', () => {
  it.each([
    ['cron(0 10 * * ? *)', 'Run at 10:00 am (UTC+0) every day', ['2026-12-06T10:00', '2026-12-07T10:00', '2026-12-08T10:00']],
    ['cron(15 12 * * ? *)', 'Run at 12:15 pm (UTC+0) every day', ['2026-12-06T12:15', '2026-12-07T12:15', '2026-12-08T12:15']],
    ['cron(0 18 ? * MON-FRI *)', 'Run at 6:00 pm (UTC+0) every Monday through Friday', ['2026-12-07T18:00', '2026-12-08T18:00', '2026-12-09T18:00']],
    ['cron(0 8 1 * ? *)', 'Run at 8:00 am (UTC+0) every 1st day of the month', ['2027-01-01T08:00', '2027-02-01T08:00', '2027-03-01T08:00']],
    ['cron(0/15 * * * ? *)', 'Run every 15 minutes', ['2026-12-05T21:45', '2026-12-05T22:00', '2026-12-05T22:15']],
    ['cron(0/10 * ? * MON-FRI *)', 'Run every 10 minutes Monday through Friday', ['2026-12-07T00:00', '2026-12-07T00:10', '2026-12-07T00:20']],
    ['cron(0/5 8-17 ? * MON-FRI *)', 'Run every 5 minutes Monday through Friday between 8:00 am and 5:55 pm (UTC+0)', ['2026-12-07T08:00', '2026-12-07T08:05', '2026-12-07T08:10']],
    ['cron(0 0-2 ? * MON-FRI *)', 'Run from 12:00 am to 2:00 am (UTC+0) every Monday through Friday (every hour)', ['2026-12-07T00:00', '2026-12-07T01:00', '2026-12-07T02:00']],
  ])('%s: %s', (expression, _meaning, expected) => {
    expect(first(expression, 3)).toEqual(expected);
  });

  it('"The # wildcard ... 3#2 would be the second Tuesday of the month"', () => {
    expect(first('cron(0 9 ? * 3#2 *)', 3)).toEqual(['2026-12-08T09:00', '2027-01-12T09:00', '2027-02-09T09:00']);
  });

  it('"The L wildcard in the Day-of-month or Day-of-week fields specifies the last day of the month or week"', () => {
    expect(first('cron(0 12 L * ? *)', 3)).toEqual(['2026-12-31T12:00', '2027-01-31T12:00', '2027-02-28T12:00']);
    // 6L: the last Friday of the month.
    expect(first('cron(0 12 ? * 6L *)', 2)).toEqual(['2026-12-25T12:00', '2027-01-29T12:00']);
  });

  it('"In the Day-of-month field, 3W specifies the weekday closest to the third day of the month", never in another month', () => {
    // 3 January 2027 is a Sunday: Monday the 4th. 1 May 2027 is a Saturday: Monday the 3rd, not April 30.
    expect(first('cron(0 12 3W * ? *)', 2)).toEqual(['2027-01-04T12:00', '2027-02-03T12:00']);
    expect(first('cron(0 12 1W * ? *)', 1, new Date('2027-04-15T00:00:00Z'))).toEqual(['2027-05-03T12:00']);
  });

  it('keeps to the year field, and ends when its years are past', () => {
    expect(first('cron(0 8 1 1 ? 2027-2028)', 5)).toEqual(['2027-01-01T08:00', '2028-01-01T08:00']);
  });

  it('fires a rate every period from when the rule was created, strictly after the instant asked about', () => {
    const created = new Date('2026-12-05T21:40:30Z');
    const schedule = scheduleOf('rate(1 day)', created);
    expect(schedule.next(created)?.toISOString()).toBe('2026-12-06T21:40:30.000Z');
    expect(firingsBetween(schedule, created, new Date('2026-12-09T00:00:00Z')).map((d) => d.toISOString().slice(0, 10))).toEqual(['2026-12-06', '2026-12-07', '2026-12-08']);
    expect(scheduleOf('rate(12 hours)', created).next(new Date('2026-12-06T09:40:30Z'))?.toISOString()).toBe('2026-12-06T21:40:30.000Z');
  });

  it('refuses what EventBridge refuses, and LW, which it cannot fire correctly', () => {
    expect(() => scheduleOf('rate(1 days)', FROM)).toThrow(UnsupportedScheduleError);
    expect(() => scheduleOf('cron(0 8 * * * *)', FROM)).toThrow(/day-of-month|day-of-week|\?/);
    expect(() => scheduleOf('cron(0 12 LW * ? *)', FROM)).toThrow(/LW/);
  });
});
