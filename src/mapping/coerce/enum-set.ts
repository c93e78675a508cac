/** ENUM and SET: a member (or a member list) → the members as declared. */
import type { ColumnType } from '../../model/column-type.js';
import { fail, notA, ok, show, trimTrailingSpaces, type Coerced } from './shared.js';

// Members match case-insensitively and ignoring trailing spaces (the _ci, PAD SPACE comparison
// MySQL uses); canonical is the member as declared. Like MySQL, a number that is not a member is
// an ENUM index (1-based) or a SET bitmask.

interface Members {
  readonly values: readonly string[];
  readonly exact: ReadonlyMap<string, number>;
  readonly folded: ReadonlyMap<string, number>;
}

const membersCache = new WeakMap<ColumnType, Members>();

function foldMember(text: string): string {
  return trimTrailingSpaces(text).toLowerCase();
}

function membersOf(type: ColumnType): Members {
  let members = membersCache.get(type);
  if (members === undefined) {
    const values = type.values ?? [];
    const exact = new Map<string, number>();
    const folded = new Map<string, number>();
    values.forEach((value, index) => {
      if (!exact.has(value)) exact.set(value, index);
      const key = foldMember(value);
      if (!folded.has(key)) folded.set(key, index);
    });
    members = { values, exact, folded };
    membersCache.set(type, members);
  }
  return members;
}

function memberIndex(members: Members, text: string): number | undefined {
  return members.exact.get(text) ?? members.folded.get(foldMember(text));
}

const DIGITS = /^\d+$/;

export function coerceEnum(raw: unknown, type: ColumnType): Coerced {
  const members = membersOf(type);
  let position: number | undefined;
  if (typeof raw === 'string') {
    position = memberIndex(members, raw);
    if (position === undefined && DIGITS.test(raw)) position = Number(raw) - 1;
  } else if (typeof raw === 'number' || typeof raw === 'bigint') {
    position = Number(raw) - 1;
  } else {
    return notA(raw, `one of ${type.sql}`);
  }
  const value = position === undefined ? undefined : members.values[position];
  return value === undefined ? notA(raw, `one of ${type.sql}`) : ok(value);
}

export function coerceSet(raw: unknown, type: ColumnType): Coerced {
  const members = membersOf(type);
  const chosen: boolean[] = new Array<boolean>(members.values.length).fill(false);
  const isMask =
    typeof raw === 'number' ||
    typeof raw === 'bigint' ||
    (typeof raw === 'string' && DIGITS.test(raw) && memberIndex(members, raw) === undefined);
  if (isMask) {
    if (typeof raw === 'number' && !Number.isInteger(raw)) return notA(raw, `a member list of ${type.sql}`);
    let mask = BigInt(raw);
    if (mask < 0n || mask >= 1n << BigInt(members.values.length)) {
      return fail(`${show(raw)} is out of range for ${type.sql} (bitmask)`);
    }
    for (let index = 0; mask > 0n; index++, mask >>= 1n) chosen[index] = (mask & 1n) === 1n;
  } else {
    let items: readonly unknown[];
    if (typeof raw === 'string') items = raw === '' ? [] : raw.split(',');
    else if (Array.isArray(raw)) items = raw;
    else return notA(raw, `a member list of ${type.sql}`);
    for (const item of items) {
      const index = typeof item === 'string' ? memberIndex(members, item) : undefined;
      if (index === undefined) return fail(`${show(item)} is not a member of ${type.sql}`);
      chosen[index] = true;
    }
  }
  const values: string[] = [];
  chosen.forEach((isChosen, index) => {
    if (isChosen) values.push(members.values[index]!);
  });
  return ok(values.join(','));
}
