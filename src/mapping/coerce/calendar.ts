/** Calendar arithmetic for the temporal families: civil dates, instants at fsp digits, their canonical text. */
import { isDigit } from './shared.js';

// Civil-date arithmetic (Howard Hinnant's algorithms) on plain numbers: JS Date has only
// milliseconds and odd behaviour for years < 100.

/** Days since 1970-01-01 of a proleptic Gregorian date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return MONTH_DAYS[month - 1]!;
}

export const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

export function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function pad4(value: number): string {
  return value >= 1000 ? String(value) : String(value).padStart(4, '0');
}

export function fractionText(units: number, fsp: number): string {
  return fsp === 0 ? '' : `.${String(units).padStart(fsp, '0')}`;
}

/**
 * Fractional digits rounded to fsp digits (MySQL's default; MariaDB truncates, but pssync writes
 * the already-rounded value, so both store the same). May return 10^fsp: the caller carries.
 */
export function roundFraction(fraction: string, fsp: number): number {
  if (fraction.length <= fsp) return fraction === '' ? 0 : Number(fraction.padEnd(fsp, '0'));
  const kept = fsp === 0 ? 0 : Number(fraction.slice(0, fsp));
  return fraction.charCodeAt(fsp) >= 53 ? kept + 1 : kept;
}

/** A point in time: whole seconds since 1970 (UTC) plus fraction units at `fsp` digits. */
export interface Instant {
  readonly seconds: number;
  readonly units: number;
}

/** A JS Date (UTC) as an instant rounded to fsp (Dates carry milliseconds). */
export function dateToInstant(date: Date, fsp: number): Instant | undefined {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return undefined;
  let seconds = Math.floor(ms / 1000);
  let units = roundFraction(String(ms - seconds * 1000).padStart(3, '0'), fsp);
  if (units === POW10[fsp]) {
    units = 0;
    seconds += 1;
  }
  return { seconds, units };
}

export function formatDate(days: number): string {
  const [year, month, day] = civilFromDays(days);
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

export function formatInstant(instant: Instant, fsp: number): string {
  const days = Math.floor(instant.seconds / 86_400);
  const rest = instant.seconds - days * 86_400;
  const hour = Math.floor(rest / 3600);
  const minute = Math.floor((rest % 3600) / 60);
  return `${formatDate(days)} ${pad2(hour)}:${pad2(minute)}:${pad2(rest % 60)}${fractionText(instant.units, fsp)}`;
}

/** The number written with `count` digits at `start`, or -1. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index++) {
    const code = text.charCodeAt(index);
    if (!isDigit(code)) return -1;
    value = value * 10 + code - 48;
  }
  return value;
}

/** Whether text is a valid canonical 'YYYY-MM-DD' (every date read back, most source dates). */
export function isCanonicalDate(text: string): boolean {
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Whether text is a valid canonical 'YYYY-MM-DD HH:MM:SS[.fsp digits]'. */
export function isCanonicalDateTime(text: string, fsp: number): boolean {
  if (text.length !== (fsp === 0 ? 19 : 20 + fsp) || !isCanonicalDate(text)) return false;
  if (text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  return fsp === 0 || (text.charCodeAt(19) === 46 && digitsAt(text, 20, fsp) >= 0);
}

/** 0001-01-01 00:00:00 and 10000-01-01 00:00:00, in seconds since 1970. */
export const MIN_DATETIME_SECONDS = daysFromCivil(1, 1, 1) * 86_400;
export const END_DATETIME_SECONDS = daysFromCivil(10_000, 1, 1) * 86_400;
/** TIMESTAMP: 1970-01-01 00:00:01 .. 2038-01-19 03:14:07(.999999) UTC. */
export const MAX_TIMESTAMP_SECONDS = 2_147_483_647;

export function dateToDateTimeText(date: Date): string | undefined {
  const instant = dateToInstant(date, 3);
  if (instant === undefined) return undefined;
  const text = formatInstant(instant, 3);
  return text.endsWith('.000') ? text.slice(0, -4) : text;
}
