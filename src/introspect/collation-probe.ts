/**
 * Key equality as the destination server defines it: CollationKeys backed by WEIGHT_STRING().
 * Each collation is probed once per destination (its character set, PAD SPACE, the weights of the
 * printable ASCII characters and of their pairs: see mapping/collation-weights.ts), then checked:
 * the keys of a corpus must be equal exactly when the server's `=` says so. Afterwards printable
 * ASCII keys are weighed locally and only other text goes to the server, in batches.
 */
import type { Db } from '../db/connection.js';
import type { CollationKeys, KeyCollations } from '../mapping/collation.js';
import { collatedKeyColumns, hasCollatedKey, keyRequests, makeKeyOf } from '../mapping/row-key.js';
import type { TargetColumn } from '../mapping/target-columns.js';
import {
  isTextCollation,
  keyRuleFromProbe,
  keyText,
  localKey,
  PRINTABLE_COUNT,
  PRINTABLE_FIRST,
  serverKey,
  textCollationPads,
  trailingCandidates,
  type KeyRule,
  type PackedWeight,
} from '../mapping/collation-weights.js';
import { PssyncError } from '../model/errors.js';

/** Values per weighing query (each a select-list expression; servers allow 4,096 columns). */
const VALUES_PER_QUERY = 1_000;

const SAFE_NAME = /^[A-Za-z0-9_]+$/;

/**
 * Texts whose keys are checked against the server's comparisons when a collation is probed:
 * case, accents, composed and decomposed forms, expansions, contractions, emoji, ignorable and
 * control characters, trailing and leading spaces.
 */
const CHECK_CORPUS: readonly string[] = [
  'abc', 'ABC', 'Abc ', 'a', 'A', 'a ', ' a', '', ' ', 'á', 'Á', 'ä', 'å', 'Å', 'Asa', 'Åsa', 'åsa', 'ss', 'ß', 'SS',
  'e\u0301', 'é', 'ﬁ', 'fi', 'Ａ', 'a😀', 'a🙂', 'a\u0000', 'a \u0000', 'a\t', 'ı', 'i', 'İ', 'σ', 'ς', 'ch', 'c', 'h',
  'aa', 'll', 'l', 'ø', 'o', 'œ', 'oe', 'æ', 'ae', 'n', 'ñ', 'dz', 'dž', 'ǆ', 'y', 'ÿ', 'ü', 'u', '€', 'x\u200b', 'x \u200b',
];

export class ServerCollations implements KeyCollations {
  readonly exact = true;
  private readonly rules = new Map<string, Promise<KeyRule>>();
  /** Per collation: characters known to be ignorable (true) or not (false). */
  private readonly ignorables = new Map<string, Map<string, boolean>>();

  constructor(private readonly db: Db) {}

  reader(): CollationKeys {
    return new ServerCollationKeys(this);
  }

  /** The collation's rule, probed on first use. */
  rule(collation: string): Promise<KeyRule> {
    const name = collation.toLowerCase();
    let rule = this.rules.get(name);
    if (!rule) {
      rule = this.probe(name);
      rule.catch(() => this.rules.delete(name));
      this.rules.set(name, rule);
    }
    return rule;
  }

  /** Whether the collation ignores `char` (asked with `learnIgnorables` first). */
  ignorable(collation: string, char: string): boolean {
    return this.ignorables.get(collation)?.get(char) ?? false;
  }

  /** Asks the server which of the characters that PAD SPACE may need to skip are ignorable. */
  async learnIgnorables(rule: KeyRule & { kind: 'weights' }, texts: Iterable<string>): Promise<void> {
    let known = this.ignorables.get(rule.collation);
    if (!known) this.ignorables.set(rule.collation, (known = new Map()));
    const unknown = new Set<string>();
    for (const text of texts) for (const char of trailingCandidates(text)) if (!known.has(char)) unknown.add(char);
    if (unknown.size === 0) return;
    const chars = [...unknown];
    const weights = await this.weigh(rule, chars);
    chars.forEach((char, index) => known.set(char, weights[index] === ''));
  }

  /** HEX(WEIGHT_STRING()) of each text, as the server computes it. */
  weigh(rule: KeyRule & { kind: 'weights' }, texts: readonly string[]): Promise<string[]> {
    return weighOnServer(this.db, rule.charset, rule.collation, texts);
  }

  private async probe(collation: string): Promise<KeyRule> {
    if (isTextCollation(collation)) return { kind: 'text', padSpace: textCollationPads(collation) };
    if (!SAFE_NAME.test(collation)) throw new PssyncError('PSSYNC_E_SQL', `unexpected collation name ${JSON.stringify(collation)}`);
    // MariaDB lists its UCA 14 collations without a character set (`uca1400_ai_ci`, applicable to
    // several); a column's collation name starts with its character set's on every server.
    const [row] = await this.db.query('SELECT CHARACTER_SET_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME = ?', [collation]);
    const charset = row?.[0] ?? collation.split('_')[0]!;
    if (!SAFE_NAME.test(charset)) throw new PssyncError('PSSYNC_E_SQL', `the destination does not know collation ${collation}`);
    const [pad] = await this.db.query(`SELECT CONVERT('a' USING ${charset}) COLLATE \`${collation}\` = CONVERT('a ' USING ${charset})`);
    const printable = Array.from({ length: PRINTABLE_COUNT }, (_, index) => String.fromCharCode(PRINTABLE_FIRST + index));
    const pairs = printable.flatMap((first) => printable.map((second) => first + second));
    const singles = await weighOnServer(this.db, charset, collation, printable);
    const pairWeights = await weighOnServer(this.db, charset, collation, pairs);
    const rule = keyRuleFromProbe({ collation, charset, padSpace: pad?.[0] === '1', singles, pairs: pairWeights });
    const disagreement = await this.check(rule);
    return disagreement ? { kind: 'unsupported', padSpace: rule.padSpace, reason: disagreement } : rule;
  }

  /** The first pair of CHECK_CORPUS texts whose keys disagree with the server's `=`, if any. */
  private async check(rule: KeyRule): Promise<string | undefined> {
    if (rule.kind !== 'weights') return undefined;
    const { charset, collation } = rule;
    // Only texts the character set can hold (the others would arrive as '?').
    const held = await this.db.query(`SELECT ${CHECK_CORPUS.map(() => `CONVERT(CONVERT(? USING ${charset}) USING utf8mb4) = ? COLLATE utf8mb4_bin`).join(', ')}`, CHECK_CORPUS.flatMap((text) => [text, text]));
    const texts = CHECK_CORPUS.filter((_, index) => held[0]?.[index] === '1');
    const table = texts.map((_, index) => `SELECT ${index} AS i, CONVERT(? USING ${charset}) AS s`).join(' UNION ALL ');
    const equalRows = await this.db.query(`SELECT a.i, b.i FROM (${table}) a JOIN (${table}) b ON a.i < b.i AND a.s COLLATE \`${collation}\` = b.s`, [...texts, ...texts]);
    const equal = new Set(equalRows.map(([first, second]) => `${first},${second}`));
    const keys = new ServerCollationKeys(this);
    await keys.prepare(new Map([[collation, texts]]), rule);
    const computed = texts.map((text) => keys.key(text, collation));
    for (let first = 0; first < texts.length; first += 1) {
      for (let second = first + 1; second < texts.length; second += 1) {
        const serverSays = equal.has(`${first},${second}`);
        if (serverSays !== (computed[first] === computed[second])) {
          return `its WEIGHT_STRING() and its comparisons disagree (${JSON.stringify(texts[first])} ${serverSays ? '=' : '≠'} ${JSON.stringify(texts[second])} to the server)`;
        }
      }
    }
    return undefined;
  }
}

class ServerCollationKeys implements CollationKeys {
  readonly exact = true;
  /** Per collation: rules known so far (key() is synchronous). */
  private readonly known = new Map<string, KeyRule>();
  /** Keys the server computed for the last prepared batch. */
  private readonly weighed = new Map<string, Map<string, PackedWeight>>();

  constructor(private readonly collations: ServerCollations) {}

  /** `probing`: the rule being checked (the probe weighs its corpus before the rule is stored). */
  async prepare(requests: ReadonlyMap<string, readonly string[]>, probing?: KeyRule): Promise<void> {
    this.weighed.clear();
    for (const [collation, texts] of requests) {
      const name = collation.toLowerCase();
      const rule = probing ?? this.known.get(name) ?? (await this.collations.rule(name));
      this.known.set(name, rule);
      if (rule.kind === 'unsupported') {
        throw new PssyncError('PSSYNC_E_COLLATION', `pssync cannot match keys under collation ${collation} exactly: ${rule.reason}. Use another collation for the key column (for example utf8mb4_bin or utf8mb4_0900_ai_ci)`);
      }
      if (rule.kind === 'text') continue;
      if (rule.padSpace) await this.collations.learnIgnorables(rule, texts.filter((text) => localKey(rule, text) === undefined));
      const ignorable = (char: string) => this.collations.ignorable(rule.collation, char);
      const asked = [...new Set(texts.filter((text) => localKey(rule, text, ignorable) === undefined).map((text) => keyText(rule, text, ignorable)))];
      if (asked.length === 0) continue;
      const hexes = await this.collations.weigh(rule, asked);
      const keys = new Map<string, PackedWeight>();
      asked.forEach((text, index) => keys.set(text, serverKey(hexes[index]!)));
      this.weighed.set(name, keys);
    }
  }

  key(text: string, collation: string): string {
    const name = collation.toLowerCase();
    const rule = this.known.get(name);
    if (!rule) throw new Error(`collation ${collation} was not prepared`);
    const ignorable = (char: string) => rule.kind === 'weights' && this.collations.ignorable(rule.collation, char);
    const local = localKey(rule, text, ignorable);
    if (local !== undefined) return local;
    const key = this.weighed.get(name)?.get(keyText(rule, text, ignorable));
    if (key === undefined) throw new Error(`key ${JSON.stringify(text)} under ${collation} was not prepared`);
    return key;
  }
}

async function weighOnServer(db: Db, charset: string, collation: string, texts: readonly string[]): Promise<string[]> {
  const hexes: string[] = [];
  const expression = `HEX(WEIGHT_STRING(CONVERT(? USING ${charset}) COLLATE \`${collation}\`))`;
  for (let start = 0; start < texts.length; start += VALUES_PER_QUERY) {
    const chunk = texts.slice(start, start + VALUES_PER_QUERY);
    const [row] = await db.query(`SELECT ${chunk.map(() => expression).join(', ')}`, chunk);
    for (let index = 0; index < chunk.length; index += 1) hexes.push(row?.[index] ?? '');
  }
  return hexes;
}

/** Why keys of these columns cannot be matched exactly (collations whose check failed), if so. */
export async function keyCollationProblems(collations: ServerCollations, columns: readonly TargetColumn[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { name, collation } of collatedKeyColumns(columns)) {
    const rule = await collations.rule(collation);
    if (rule.kind === 'unsupported') problems.push(`key column \`${name}\` has collation ${collation}, under which pssync cannot match keys exactly: ${rule.reason}. Use another collation for it (for example utf8mb4_bin or utf8mb4_0900_ai_ci)`);
  }
  return problems;
}

/**
 * Whether two values of a key column are one key to the server: equal under its collation
 * (weighed as the differ weighs keys), exactly equal otherwise. Used to keep the constants of
 * syncs that share a table apart (plan/shared-table-checks.ts).
 */
export async function keyValuesEqual(collations: ServerCollations, column: TargetColumn, first: string, second: string): Promise<boolean> {
  const columns = [{ ...column, isKey: true }];
  const rows = [[first], [second]];
  const keys = collations.reader();
  try {
    if (hasCollatedKey(columns)) await keys.prepare(keyRequests(columns, rows));
  } catch (error) {
    // A collation pssync cannot match exactly: that sync already has its PSSYNC_E_COLLATION error.
    if (error instanceof PssyncError && error.code === 'PSSYNC_E_COLLATION') return first === second;
    throw error;
  }
  const keyOf = makeKeyOf(columns, keys);
  return keyOf(rows[0]!) === keyOf(rows[1]!);
}
