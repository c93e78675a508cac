/**
 * Key equality under a column's collation. Plans ask the destination server (CollationKeys backed
 * by WEIGHT_STRING(), see collation-weights.ts and introspect/collation-probe.ts): exact. Offline
 * (`validate`) and in unit tests, `approximateCollations` models collations from their names.
 */

/** The keys of text values under collations, for one reader of rows (source or destination). */
export interface CollationKeys {
  /** Equal keys exactly when the server compares the values equal (false: an approximation). */
  readonly exact: boolean;
  /** Makes `key` ready for these values: text the server must weigh is asked for in one go. */
  prepare(requests: ReadonlyMap<string, readonly string[]>): Promise<void>;
  /** The key of `text` under `collation` (prepared, unless it needs no server). */
  key(text: string, collation: string): string;
}

/** Where CollationKeys come from: one per reader, since each prepares its own batches. */
export interface KeyCollations {
  readonly exact: boolean;
  reader(): CollationKeys;
}

/** Collations modelled from their names, without a server (see collationKey). */
export const approximateCollations: KeyCollations = {
  exact: false,
  reader: () => APPROXIMATE_KEYS,
};

const APPROXIMATE_KEYS: CollationKeys = {
  exact: false,
  prepare: () => Promise.resolve(),
  key: (text, collation) => collationKey(text, collation) ?? '',
};

/**
 * The approximation: the form under which the database probably considers two key values equal,
 * modelled from collation names:
 * - `binary` (and no collation): exact.
 * - `…_bin`: exact code points.
 * - `…_ci`: case-insensitive; accent-insensitive unless the name says `_as_`.
 * - `…_cs`: case-sensitive; accent-insensitive only when the name says `_ai_` (MariaDB uca1400).
 * - PAD SPACE (trailing spaces ignored) unless NO PAD: MySQL 8 `_0900_` and MariaDB `_nopad_`.
 * Accent folding is Unicode decomposition (NFKD; NFD for `_general_`) minus combining marks;
 * case folding is upper-then-lower case (so 'σ' = 'ς'). Real collations use UCA weight tables
 * and differ in corners: 'ß' equals 'ss' here and in unicode/0900 collations but 's' in
 * `_general_ci` (special-cased); 'ı' equals 'i' here, as in general_ci but not unicode_ci;
 * language collations (`_swedish_ci`: 'ä' ≠ 'a'), ignorable characters and contractions are not
 * modelled. Unknown collation names are treated as exact.
 */
interface CollationRules {
  readonly padSpace: boolean;
  readonly caseInsensitive: boolean;
  readonly accentInsensitive: boolean;
  /** `_general_` collations weigh 'ß' as 's'. */
  readonly general: boolean;
}

const EXACT: CollationRules = { padSpace: false, caseInsensitive: false, accentInsensitive: false, general: false };
const rulesCache = new Map<string, CollationRules>();

function rulesFor(collation: string): CollationRules {
  let rules = rulesCache.get(collation);
  if (rules === undefined) {
    rules = parseRules(collation.toLowerCase());
    rulesCache.set(collation, rules);
  }
  return rules;
}

function parseRules(name: string): CollationRules {
  if (name === 'binary') return EXACT;
  const padSpace = !name.includes('_0900_') && !name.includes('_nopad_');
  const parts = name.split('_');
  const last = parts[parts.length - 1];
  const caseInsensitive = last === 'ci';
  const accentInsensitive = parts.includes('ai') || (caseInsensitive && !parts.includes('as'));
  if (last !== 'ci' && last !== 'cs' && last !== 'bin') return { ...EXACT, padSpace }; // unknown: exact
  return { padSpace, caseInsensitive, accentInsensitive, general: parts.includes('general') };
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;
const COMBINING_MARKS = /\p{M}/gu;
const SHARP_S = /ß/g;

export function collationKey(value: string | null, collation: string | undefined): string | null {
  if (value === null || collation === undefined) return value;
  const rules = rulesFor(collation);
  let key = value;
  if (rules.padSpace) {
    let end = key.length;
    while (end > 0 && key.charCodeAt(end - 1) === 32) end--;
    if (end !== key.length) key = key.slice(0, end);
  }
  if (!rules.caseInsensitive && !rules.accentInsensitive) return key;
  if (ASCII_ONLY.test(key)) return rules.caseInsensitive ? key.toLowerCase() : key;
  if (rules.general) key = key.replace(SHARP_S, 's');
  // general_ci does not fold compatibility forms ('Ａ' ≠ 'a'); the UCA collations do.
  if (rules.accentInsensitive) key = key.normalize(rules.general ? 'NFD' : 'NFKD').replace(COMBINING_MARKS, '');
  else key = key.normalize('NFC');
  return rules.caseInsensitive ? key.toUpperCase().toLowerCase() : key;
}
