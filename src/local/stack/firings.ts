/**
 * When EventBridge fires a rule's schedule expression, for the local stack's simulated clock
 * (the EventBridge user guide, "Schedule expressions for rules"): a cron(...) expression in UTC,
 * to the minute, parsed with aws-cron-parser (AWS's six fields with ?, L, W and #); a rate(...)
 * expression every period, counted from when the rule was created (the first firing one period
 * after it). `LW` (last weekday of the month) is not parsed by the library: it is refused here
 * rather than fired at a wrong time.
 */
import AWSCronParser from 'aws-cron-parser';
import { scheduleExpressionProblem } from '../../config/schedule-expression';

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export class UnsupportedScheduleError extends Error {
  override readonly name = 'UnsupportedScheduleError';
}

/** A schedule expression, ready to say when it fires after a given instant. */
export interface Schedule {
  readonly expression: string;
  /** The first firing strictly after `after`, or undefined when there is none (a cron whose years are past). */
  next(after: Date): Date | undefined;
}

/** `createdAt`: when the rule was created (rate schedules count from it). */
export function scheduleOf(expression: string, createdAt: Date): Schedule {
  const problem = scheduleExpressionProblem(expression);
  if (problem) throw new UnsupportedScheduleError(`${expression}: ${problem}`);
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) {
    const period = Number(rate[1]) * UNIT_MS[rate[2]!]!;
    return {
      expression,
      next(after) {
        const periods = Math.max(0, Math.floor((after.getTime() - createdAt.getTime()) / period)) + 1;
        return new Date(createdAt.getTime() + periods * period);
      },
    };
  }
  const body = /^cron\((.*)\)$/.exec(expression)![1]!.trim();
  if (body.split(/\s+/)[2] === 'LW') throw new UnsupportedScheduleError(`${expression}: the local clock cannot fire LW (last weekday of the month) schedules`);
  const parsed = AWSCronParser.parse(body);
  return {
    expression,
    next(after) {
      // Whole minutes: a cron fires at second 0 (the minimum precision is one minute).
      return AWSCronParser.next(parsed, after) ?? undefined;
    },
  };
}

/** Every firing in (from, to], in order. */
export function firingsBetween(schedule: Schedule, from: Date, to: Date): Date[] {
  const out: Date[] = [];
  for (let at = schedule.next(from); at && at.getTime() <= to.getTime(); at = schedule.next(at)) out.push(at);
  return out;
}
