/**
 * Calendar days (YYYY-MM-DD, UTC) and the rules built on them: what "today" is, and the expiry window
 * of a client secret. One implementation each, for the deployment checks, the constructs and the
 * policy pack.
 */
import { GatehouseError } from './errors';

/** The environment variable that pins "today" (YYYY-MM-DD, UTC) for expiry checks and deletion dates (tests, reproducible CI). */
export const TODAY_ENV = 'GATEHOUSE_TODAY';

/** A calendar date written YYYY-MM-DD (2027-02-30 is not one). */
export function isoDateProblem(date: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'must be a date written YYYY-MM-DD';
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date ? undefined : 'must be a real calendar date (YYYY-MM-DD)';
}

/**
 * Today, YYYY-MM-DD (UTC): the pinned day when one is given, else `GATEHOUSE_TODAY` when it is set,
 * else the current date. The one place "today" comes from.
 */
export function today(pinned?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return pinned ?? env[TODAY_ENV] ?? new Date().toISOString().slice(0, 10);
}

/** `today()`, refusing a pinned day (option or `GATEHOUSE_TODAY`) that is not a calendar date, with one line. */
export function checkedToday(pinned?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const day = today(pinned, env);
  const problem = isoDateProblem(day);
  if (problem) throw new GatehouseError([{ path: TODAY_ENV, message: problem, value: day }]);
  return day;
}

/** Whole days from `from` to `to` (negative when `to` is earlier; NaN when either is not a date). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** `date` (YYYY-MM-DD) plus `days`, as YYYY-MM-DD. */
export function addDaysToDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Days before a client secret expires at which synth starts warning. */
export const SECRET_EXPIRY_WARNING_DAYS = 30;
/** Days before an account member's access expires at which synth starts warning. */
export const MEMBER_EXPIRY_WARNING_DAYS = 14;

/** Where something that expires stands on a given day. */
export interface Expiry {
  /** `expired` on or after the day, `expiring` within the warning window, else `valid`; `unknown` when a date does not parse. */
  readonly state: 'expired' | 'expiring' | 'valid' | 'unknown';
  /** Days from today to the expiry (NaN when unknown). */
  readonly days: number;
}

/** Where a client secret stands on a given day. */
export type SecretExpiry = Expiry;

/**
 * The warn-then-fail window of anything with an expiry date: expired (an error) on the day itself and
 * after, expiring (a warning) within `warningDays` before.
 */
export function expiryWindow(todayDate: string, expires: string, warningDays: number): Expiry {
  const days = daysBetween(todayDate, expires);
  if (Number.isNaN(days)) return { state: 'unknown', days };
  if (days <= 0) return { state: 'expired', days };
  return { state: days <= warningDays ? 'expiring' : 'valid', days };
}

/**
 * The warn-then-fail window of an identity provider's client secret (Entra and Google Workspace):
 * expired on the day itself and after, expiring within 30 days before. The deployment checks and
 * the policy pack both ask here.
 */
export function secretExpiry(todayDate: string, expires: string): SecretExpiry {
  return expiryWindow(todayDate, expires, SECRET_EXPIRY_WARNING_DAYS);
}

/**
 * The window of a time-bound account member (`account_members.<name>.expires`): refused on the day
 * itself and after (remove the member), a warning within 14 days before.
 */
export function memberExpiry(todayDate: string, expires: string): Expiry {
  return expiryWindow(todayDate, expires, MEMBER_EXPIRY_WARNING_DAYS);
}
