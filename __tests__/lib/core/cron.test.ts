/**
 * Cron expressions as Cloudflare Workers accept them: the documented table and examples
 * (https://developers.cloudflare.com/workers/configuration/cron-triggers/#supported-cron-expressions).
 */
import { cronProblem } from '../../../lib/core/cron';

describe('cronProblem', () => {
  test.each([
    // the examples of Cloudflare's page
    '* * * * *',
    '*/30 * * * *',
    '*/3 * * * *',
    '45 * * * *',
    '0 17 * * sun',
    '0 17 * * 1',
    '10 7 * * mon-fri',
    '10 7 * * 2-6',
    '0 15 1 * *',
    '0 18 * * 6L',
    '0 18 * * friL',
    '59 23 LW * *',
    // and the table's other forms
    '0 3 * * *',
    '0,30 8-18/2 * JAN-mar,Dec *',
    '0 0 L * *',
    '0 0 15W * *',
    '0 9 * * MON#1',
    '0 9 * * 2#5',
    '  0   3  *  *  *  ',
  ])('accepts %p', (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  test.each<[string, string]>([
    ['0 3 * *', 'must have five fields (minute hour day-of-month month weekday), as Workers cron triggers take, e.g. "0 3 * * *"; it has 4'],
    ['0 0 3 * * *', 'it has 6'],
    ['60 * * * *', 'has a minute field Workers do not accept (60: the minute must be 0-59)'],
    ['0 24 * * *', 'has an hour field Workers do not accept (24: the hour must be 0-23)'],
    ['0 0 0 * *', 'day of month must be 1-31'],
    ['0 0 * 13 *', 'the month must be 1-12 or JAN-DEC'],
    ['0 0 * * 0', 'the weekday must be 1-7 or SUN-SAT'],
    ['0 0 * * 8', 'the weekday must be 1-7 or SUN-SAT'],
    ['0 0 * * sunday', 'the weekday must be 1-7 or SUN-SAT'],
    ['*/0 * * * *', 'the step after / must be 1-59'],
    ['5-1 * * * *', 'a range runs from low to high'],
    ['0 0 ? * *', 'day of month must be 1-31'],
    ['0 0 * * 1#6', '# needs a weekday and a week 1-5'],
    ['0 0 32W * *', 'W needs a day 1-31'],
    ['0 L * * *', 'the hour must be 0-23'],
    ['0 0 * L *', 'the month must be 1-12'],
    ['0 0 * * 1W', 'the weekday must be'],
    ['0,,5 * * * *', 'an empty list item'],
    ['@daily', 'it has 1'],
  ])('refuses %p', (expression, message) => {
    expect(cronProblem(expression)).toContain(message);
  });
});
