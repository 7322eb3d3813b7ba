/**
 * EventBridge schedule expressions, checked before deploy so a typo fails `npm run package`
 * instead of CloudFormation: `rate(<value> <unit>)` and `cron(<6 fields>)` as the EventBridge
 * user guide ("Schedule expressions for rules") defines them.
 */

const RATE = /^rate\((.*)\)$/;
const CRON = /^cron\((.*)\)$/;
const UNITS = ['minute', 'minutes', 'hour', 'hours', 'day', 'days'];

// Field alphabets of the six cron fields (minutes, hours, day-of-month, month, day-of-week, year).
const NUMBER_LIST = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const MONTH_NAMES = 'JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC';
const DAY_NAMES = 'SUN|MON|TUE|WED|THU|FRI|SAT';
const FIELDS: Array<{ name: string; min: number; max: number; extra?: RegExp }> = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, extra: /^(\?|L|LW|\d{1,2}W)$/ },
  { name: 'month', min: 1, max: 12, extra: new RegExp(`^(${MONTH_NAMES})(-(${MONTH_NAMES}))?(,(${MONTH_NAMES})(-(${MONTH_NAMES}))?)*$`) },
  { name: 'day-of-week', min: 1, max: 7, extra: new RegExp(`^(\\?|L|\\dL|\\d#[1-5]|(${DAY_NAMES})(-(${DAY_NAMES}))?(,(${DAY_NAMES})(-(${DAY_NAMES}))?)*)$`) },
  { name: 'year', min: 1970, max: 2199 },
];

/** Why `expression` is not a valid EventBridge schedule, or undefined when it is. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) return rateProblem(rate[1]!);
  const cron = CRON.exec(expression);
  if (cron) return cronProblem(cron[1]!);
  return 'must be rate(<value> <unit>) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)';
}

function rateProblem(body: string): string | undefined {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 2) return `rate(${body}) must be rate(<value> <unit>), e.g. rate(1 day) or rate(12 hours)`;
  const [value, unit] = parts as [string, string];
  if (!/^[1-9]\d*$/.test(value)) return `rate value must be a positive whole number, got '${value}'`;
  if (!UNITS.includes(unit)) return `rate unit must be one of ${UNITS.join(', ')}, got '${unit}'`;
  // EventBridge rejects rate(1 days) and rate(5 day).
  if (value === '1' && unit.endsWith('s')) return `rate(1 ${unit}) must use the singular unit: rate(1 ${unit.slice(0, -1)})`;
  if (value !== '1' && !unit.endsWith('s')) return `rate(${value} ${unit}) must use the plural unit: rate(${value} ${unit}s)`;
  return undefined;
}

function cronProblem(body: string): string | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) return `cron(...) needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
  for (const [i, spec] of FIELDS.entries()) {
    const value = fields[i]!;
    if (spec.extra?.test(value)) continue;
    if (!NUMBER_LIST.test(value)) return `cron ${spec.name} field '${value}' is not valid`;
    const numbers = value.match(/\d+/g)?.map(Number) ?? [];
    // Only values (not step sizes after '/') must lie in the field's range.
    const values = value.split(',').flatMap((part) => part.split('/')[0]!.match(/\d+/g)?.map(Number) ?? []);
    if (numbers.length && values.some((n) => n < spec.min || n > spec.max)) {
      return `cron ${spec.name} field '${value}' must stay within ${spec.min}-${spec.max}`;
    }
  }
  const dayOfMonth = fields[2]!;
  const dayOfWeek = fields[4]!;
  // "You can't specify the Day-of-month and Day-of-week fields in the same cron expression."
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return 'cron needs ? in exactly one of day-of-month and day-of-week (e.g. cron(0 8 * * ? *))';
  }
  return undefined;
}
