/**
 * Cron expressions as Cloudflare Workers accept them
 * (https://developers.cloudflare.com/workers/configuration/cron-triggers/#supported-cron-expressions):
 * five fields, evaluated in UTC, with "most Quartz scheduler-like cron syntax extensions":
 *
 * | field        | values                                              | characters   |
 * | ------------ | --------------------------------------------------- | ------------ |
 * | minute       | 0-59                                                | * , - /      |
 * | hour         | 0-23                                                | * , - /      |
 * | day of month | 1-31                                                | * , - / L W  |
 * | month        | 1-12, or JAN-DEC (case-insensitive)                 | * , - /      |
 * | weekday      | 1-7 (1 is Sunday), or SUN-SAT (case-insensitive)    | * , - / L #  |
 *
 * The documented examples (`*\/3 * * * *`, `0 17 * * sun`, `10 7 * * mon-fri`, `0 18 * * 6L`,
 * `0 18 * * friL`, `59 23 LW * *`) are accepted; anything outside the table is refused, so a schedule
 * that Cloudflare would reject at apply fails at synth instead.
 */

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'weekday', min: 1, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** A single value of a field (a number in range or, for month and weekday, a three-letter name), or undefined. */
function value(field: Field, text: string): number | undefined {
  if (/^\d{1,2}$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const i = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return i >= 0 ? field.min + i : undefined;
}

/** One comma-separated item of a field: `*`, `*\/n`, `a`, `a-b`, `a/n`, `a-b/n`, and the L, W and # forms of the table. */
function itemProblem(field: Field, item: string): string | undefined {
  const range = `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ''}`;
  if (field.name === 'day of month' && (item === 'L' || item === 'LW' || /^\d{1,2}W$/.test(item))) {
    return item.endsWith('W') && item !== 'LW' && value(field, item.slice(0, -1)) === undefined ? `${item}: W needs a day 1-31` : undefined;
  }
  if (field.name === 'weekday') {
    const last = /^(.+)L$/i.exec(item);
    if (item === 'L') return undefined;
    if (last && value(field, last[1]) !== undefined) return undefined;
    const nth = /^(.+)#(\d)$/.exec(item);
    if (nth) return value(field, nth[1]) !== undefined && Number(nth[2]) >= 1 && Number(nth[2]) <= 5 ? undefined : `${item}: # needs a weekday and a week 1-5`;
  }
  const slashes = item.split('/');
  if (slashes.length > 2) return `${item}: one / at most`;
  const [base, step] = [slashes[0], slashes.at(1)];
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= field.max)) return `${item}: the step after / must be 1-${field.max}`;
  if (base === '*') return undefined;
  const bounds = base.split('-');
  if (bounds.length > 2) return `${item}: one - at most`;
  const [from, to] = [bounds[0], bounds.at(1)];
  const a = value(field, from);
  const b = to === undefined ? a : value(field, to);
  if (a === undefined || b === undefined) return `${item}: the ${field.name} must be ${range}`;
  if (a > b) return `${item}: a range runs from low to high`;
  return undefined;
}

/**
 * Whether a cron expression is one Cloudflare Workers accepts (see the module comment); the message
 * names the field and the part that is wrong.
 */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== FIELDS.length) {
    return `must have five fields (minute hour day-of-month month weekday), as Workers cron triggers take, e.g. "0 3 * * *"; it has ${parts.length}`;
  }
  for (const [i, field] of FIELDS.entries()) {
    for (const item of parts[i].split(',')) {
      const p = item === '' ? 'an empty list item' : itemProblem(field, item);
      if (p) return `has ${field.name === 'hour' ? 'an' : 'a'} ${field.name} field Workers do not accept (${p})`;
    }
  }
  return undefined;
}
