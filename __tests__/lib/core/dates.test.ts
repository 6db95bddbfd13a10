/** "Today" from one place, and the one expiry window of client secrets (lib/core/dates.ts). */
import { addDaysToDate, checkedToday, daysBetween, expiryWindow, isoDateProblem, memberExpiry, SECRET_EXPIRY_WARNING_DAYS, secretExpiry, today, TODAY_ENV } from '../../../lib/core/dates';

describe('today', () => {
  test('the pinned day first, then GATEHOUSE_TODAY, then the current UTC date', () => {
    expect(today('2027-01-02', { [TODAY_ENV]: '2028-03-04' })).toBe('2027-01-02');
    expect(today(undefined, { [TODAY_ENV]: '2028-03-04' })).toBe('2028-03-04');
    expect(today(undefined, {})).toBe(new Date().toISOString().slice(0, 10));
  });

  test('checkedToday refuses a pinned day that is no calendar date, with one line naming GATEHOUSE_TODAY', () => {
    expect(checkedToday(undefined, { [TODAY_ENV]: '2026-11-22' })).toBe('2026-11-22');
    expect(() => checkedToday(undefined, { [TODAY_ENV]: '22/11/2026' })).toThrow('GATEHOUSE_TODAY: must be a date written YYYY-MM-DD (got "22/11/2026")');
    expect(() => checkedToday('2026-02-30', {})).toThrow('must be a real calendar date');
  });
});

describe('day arithmetic', () => {
  test('daysBetween and addDaysToDate agree, across a leap day', () => {
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(addDaysToDate('2028-02-28', 2)).toBe('2028-03-01');
    expect(daysBetween('2026-11-22', '2026-11-01')).toBe(-21);
    expect(Number.isNaN(daysBetween('2026-11-22', 'soon'))).toBe(true);
  });

  test('isoDateProblem: YYYY-MM-DD and a real calendar date', () => {
    expect(isoDateProblem('2030-06-30')).toBeUndefined();
    expect(isoDateProblem('2030-6-30')).toBe('must be a date written YYYY-MM-DD');
    expect(isoDateProblem('2027-02-29')).toBe('must be a real calendar date (YYYY-MM-DD)');
  });
});

describe('secretExpiry: warn within 30 days, fail on the day and after', () => {
  test.each<[string, string, number]>([
    ['2026-11-22', 'expired', 0],
    ['2026-11-01', 'expired', -21],
    ['2026-11-23', 'expiring', 1],
    ['2026-12-22', 'expiring', SECRET_EXPIRY_WARNING_DAYS],
    ['2026-12-23', 'valid', 31],
  ])('expires %s: %s (%d days)', (expires, state, days) => {
    expect(secretExpiry('2026-11-22', expires)).toEqual({ state, days });
  });

  test('a date that does not parse is unknown', () => {
    expect(secretExpiry('2026-11-22', 'next year').state).toBe('unknown');
  });
});

describe('the expiry windows (one implementation: secrets 30 days, account members 14)', () => {
  test('memberExpiry: expired on the day and after, expiring within 14 days, valid after', () => {
    expect(memberExpiry('2026-11-22', '2026-11-22')).toEqual({ state: 'expired', days: 0 });
    expect(memberExpiry('2026-11-22', '2026-12-06')).toEqual({ state: 'expiring', days: 14 });
    expect(memberExpiry('2026-11-22', '2026-12-07')).toEqual({ state: 'valid', days: 15 });
    expect(memberExpiry('2026-11-22', 'soon').state).toBe('unknown');
  });

  test('secretExpiry is the same window at 30 days', () => {
    expect(secretExpiry('2026-11-22', '2026-12-22')).toEqual(expiryWindow('2026-11-22', '2026-12-22', 30));
    expect(expiryWindow('2026-11-22', '2026-12-22', 29).state).toBe('valid');
  });
});
