/** DATE, DATETIME, TIMESTAMP, TIME and YEAR: text or a JS Date → the canonical text the column reads back. */
import type { ColumnType } from '../../model/column-type.js';
import {
  dateToInstant,
  daysFromCivil,
  daysInMonth,
  END_DATETIME_SECONDS,
  formatDate,
  formatInstant,
  fractionText,
  isCanonicalDate,
  isCanonicalDateTime,
  MAX_TIMESTAMP_SECONDS,
  MIN_DATETIME_SECONDS,
  pad2,
  POW10,
  roundFraction,
  type Instant,
} from './calendar.js';
import { fail, notA, ok, PLAIN_INTEGER, show, type Coerced } from './shared.js';

/**
 * YYYY-M-D, optionally followed by ' ' or 'T', H:M, optional :S, optional .fraction, and an
 * optional 'Z' or ±HH[:MM] offset (converted to UTC: pssync sessions run in '+00:00').
 */
const DATETIME_TEXT =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?)?$/i;

/** Parses and validates datetime text; returns the instant rounded to fsp, or a rejection. */
function parseDateTimeText(raw: string, fsp: number, what: string): Instant | Coerced {
  const match = DATETIME_TEXT.exec(raw.trim());
  if (match === null) return notA(raw, what);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year === 0 && month === 0 && day === 0) return fail(`${show(raw)} is a zero date, which is not allowed`);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return notA(raw, 'a valid date');
  }
  const hour = match[4] === undefined ? 0 : Number(match[4]);
  const minute = match[5] === undefined ? 0 : Number(match[5]);
  const second = match[6] === undefined ? 0 : Number(match[6]);
  if (hour > 23 || minute > 59 || second > 59) return notA(raw, 'a valid time of day');
  let offsetSeconds = 0;
  if (match[9] !== undefined) {
    const offsetHours = Number(match[10]);
    const offsetMinutes = match[11] === undefined ? 0 : Number(match[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return notA(raw, 'a valid time zone offset');
    offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (match[9] === '-' ? -1 : 1);
  }
  let units = roundFraction(match[7] ?? '', fsp);
  let seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds;
  if (units === POW10[fsp]) {
    units = 0;
    seconds += 1;
  }
  return { seconds, units };
}

const TIMESTAMP_FIRST = '1970-01-01 00:00:01';
const TIMESTAMP_LAST = '2038-01-19 03:14:07';

export function coerceDateTime(raw: unknown, type: ColumnType): Coerced {
  const fsp = type.fsp ?? 0;
  if (typeof raw === 'string' && isCanonicalDateTime(raw, fsp)) {
    if (type.family !== 'timestamp') return ok(raw);
    // Same-shaped text compares like the instants it names.
    const seconds = raw.slice(0, 19);
    if (seconds >= TIMESTAMP_FIRST && seconds <= TIMESTAMP_LAST) return ok(raw);
  }
  let instant: Instant | Coerced;
  if (typeof raw === 'string') instant = parseDateTimeText(raw, fsp, `a ${type.name}`);
  else if (raw instanceof Date) instant = dateToInstant(raw, fsp) ?? notA(raw, 'a valid date');
  else return notA(raw, `a ${type.name}`);
  if ('ok' in instant) return instant;
  if (type.family === 'timestamp') {
    if (instant.seconds < 1 || instant.seconds > MAX_TIMESTAMP_SECONDS) {
      return fail(`${show(raw)} is out of range for timestamp (1970-01-01 00:00:01 .. 2038-01-19 03:14:07 UTC)`);
    }
  } else if (instant.seconds < MIN_DATETIME_SECONDS || instant.seconds >= END_DATETIME_SECONDS) {
    return fail(`${show(raw)} is out of range for datetime (years 0001..9999)`);
  }
  return ok(formatInstant(instant, fsp));
}

export function coerceDate(raw: unknown): Coerced {
  if (raw instanceof Date) {
    const ms = raw.getTime();
    if (Number.isNaN(ms)) return notA(raw, 'a valid date');
    const days = Math.floor(ms / 86_400_000);
    if (days * 86_400 < MIN_DATETIME_SECONDS || days * 86_400 >= END_DATETIME_SECONDS) {
      return fail(`${show(raw)} is out of range for date (years 0001..9999)`);
    }
    return ok(formatDate(days)); // the UTC calendar date
  }
  if (typeof raw !== 'string') return notA(raw, 'a date');
  if (raw.length === 10 && isCanonicalDate(raw)) return ok(raw);
  const instant = parseDateTimeText(raw, 6, 'a date');
  if ('ok' in instant) return instant;
  const days = Math.floor(instant.seconds / 86_400);
  if (instant.seconds !== days * 86_400 || instant.units !== 0) {
    return fail(`${show(raw)} has a time of day; a date column would drop it`);
  }
  if (instant.seconds < MIN_DATETIME_SECONDS || instant.seconds >= END_DATETIME_SECONDS) {
    return fail(`${show(raw)} is out of range for date (years 0001..9999)`);
  }
  return ok(formatDate(days));
}

/** [-][D ]H:MM[:SS[.fraction]] — MySQL's TIME literal forms ('11:12' is 11:12:00). */
const TIME_TEXT = /^(-)?(?:(\d{1,2}) )?(\d{1,3}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?$/;
const MAX_TIME_SECONDS = 838 * 3600 + 59 * 60 + 59;

export function coerceTime(raw: unknown, type: ColumnType): Coerced {
  if (typeof raw !== 'string') return notA(raw, 'a time');
  const match = TIME_TEXT.exec(raw.trim());
  if (match === null) return notA(raw, 'a time');
  const fsp = type.fsp ?? 0;
  const minute = Number(match[4]);
  const second = match[5] === undefined ? 0 : Number(match[5]);
  if (minute > 59 || second > 59) return notA(raw, 'a valid time');
  let seconds = (Number(match[2] ?? 0) * 24 + Number(match[3])) * 3600 + minute * 60 + second;
  let units = roundFraction(match[6] ?? '', fsp); // rounds the magnitude: half away from zero
  if (units === POW10[fsp]) {
    units = 0;
    seconds += 1;
  }
  // MySQL's upper bound is 838:59:59.000000 (MariaDB also takes 838:59:59.x; stay within both).
  if (seconds > MAX_TIME_SECONDS || (seconds === MAX_TIME_SECONDS && units > 0)) {
    return fail(`${show(raw)} is out of range for time (-838:59:59..838:59:59)`);
  }
  const negative = match[1] === '-' && (seconds > 0 || units > 0);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const text = `${pad2(hours)}:${pad2(minutes)}:${pad2(seconds % 60)}${fractionText(units, fsp)}`;
  return ok(negative ? `-${text}` : text);
}

/**
 * YEAR: four digits 1901..2155, or 0 / '0000'. MySQL maps one- and two-digit years to
 * 1970..2069 (and '0' to 2000 but 0 to 0000); pssync rejects them rather than guess a century.
 */
export function coerceYear(raw: unknown): Coerced {
  let value: number;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) return notA(raw, 'a year');
    value = raw;
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.length !== 4 || !PLAIN_INTEGER.test(text)) {
      return PLAIN_INTEGER.test(text) ? fail(`${show(raw)} is not a four-digit year`) : notA(raw, 'a year');
    }
    value = Number(text);
  } else if (typeof raw === 'bigint') {
    value = Number(raw);
  } else {
    return notA(raw, 'a year');
  }
  if (value === 0) return ok('0000');
  if (value < 1901 || value > 2155) return fail(`${show(raw)} is out of range for year (1901..2155)`);
  return ok(String(value));
}
