/**
 * Keys as the server compares them (pure): a key column's text becomes its collation's weight
 * string (WEIGHT_STRING(), the server's own sort key), so two keys are equal exactly when the
 * server says they are — case, accents, emoji, language rules, ignorable characters and all.
 *
 * Asking the server for every key would cost a round trip per batch of rows, so the server is
 * asked once per collation for the weights of the 95 printable ASCII characters and of every pair
 * of them (the probe, see introspect/collation-probe.ts). When the pairs' weights are the single
 * characters' weights put together — by concatenation, or level by level for multi-level
 * collations — there is no contraction among them (Czech "ch", Danish "aa"…) and pssync builds
 * the weight string of any printable-ASCII text itself, byte for byte what the server returns.
 * Other text (non-ASCII, control characters) is weighed by the server, in batches.
 *
 * PAD SPACE collations ignore trailing spaces: they are removed from the text before weighing,
 * together with trailing characters the collation ignores (a space followed by U+0000 or U+200B
 * is still a trailing space to the server).
 *
 * A few collations' WEIGHT_STRING() disagrees with their own comparisons (MariaDB's
 * big5_chinese_ci, tis620_thai_*, the `_nopad_ai_cs` UCA 14 collations…). The probe checks a
 * corpus both ways; such a collation gets no rule, and a key column under it is refused.
 */

/** A weight string packed into a JS string (equal bytes ⇔ equal strings; order kept). */
export type PackedWeight = string;

/** What the probe learnt of one collation. */
export interface CollationProbe {
  readonly collation: string;
  readonly charset: string;
  /** Trailing spaces are ignored (PAD SPACE). */
  readonly padSpace: boolean;
  /** HEX(WEIGHT_STRING()) of each printable ASCII character, code 32 to 126. */
  readonly singles: readonly string[];
  /** HEX(WEIGHT_STRING()) of every pair, first character major: pairs[(a - 32) * 95 + (b - 32)]. */
  readonly pairs: readonly string[];
}

export const PRINTABLE_FIRST = 32;
export const PRINTABLE_COUNT = 95;

/** How pssync computes keys of one collation. */
export type KeyRule =
  /** Keys are the text itself (binary, `_bin`, and no collation): code points decide. */
  | { readonly kind: 'text'; readonly padSpace: boolean }
  /** Weight strings; printable ASCII built locally when `ascii` is set, the rest asked. */
  | { readonly kind: 'weights'; readonly collation: string; readonly charset: string; readonly padSpace: boolean; readonly ascii?: AsciiWeights }
  /** Keys under this collation cannot be computed exactly (see above). */
  | { readonly kind: 'unsupported'; readonly padSpace: boolean; readonly reason: string };

interface AsciiWeights {
  /** Weight bytes of each printable character, split into levels (one level: concatenation). */
  readonly levels: readonly (readonly Uint8Array[])[];
}

const PRINTABLE_ONLY = /^[\x20-\x7e]*$/;

/** `_bin` collations compare code points (binary has no charset at all): the text is its own key. */
export function isTextCollation(collation: string): boolean {
  const name = collation.toLowerCase();
  return name === 'binary' || name.endsWith('_bin');
}

/** `_bin` collations are PAD SPACE unless MySQL 8's `_0900_bin` or MariaDB's `_nopad_bin`. */
export function textCollationPads(collation: string): boolean {
  const name = collation.toLowerCase();
  return name !== 'binary' && !name.includes('_0900_') && !name.includes('_nopad_');
}

/** The rule for a probed collation: local ASCII weights when the probe shows they compose. */
export function keyRuleFromProbe(probe: CollationProbe): KeyRule {
  const singles = probe.singles.map(hexBytes);
  // A server may weigh a lone space as nothing under PAD SPACE (it is trailing): its weight is
  // then what a space adds before another character.
  if (singles[0]!.length === 0 && probe.pairs.length > 1) singles[0] = withoutSuffix(hexBytes(probe.pairs[1]!), singles[1]!);
  const base = { kind: 'weights', collation: probe.collation, charset: probe.charset, padSpace: probe.padSpace } as const;
  if (singles.some((weight) => weight.length === 0) || probe.pairs.length !== PRINTABLE_COUNT * PRINTABLE_COUNT) return base;
  const concatenated = { levels: [singles] };
  if (composes(probe, concatenated)) return { ...base, ascii: concatenated };
  const levelled = splitLevels(singles);
  if (levelled && composes(probe, levelled)) return { ...base, ascii: levelled };
  return base;
}

/** Whether the local assembly of every pair is exactly the server's weight string for it. */
function composes(probe: CollationProbe, ascii: AsciiWeights): boolean {
  for (let first = 0; first < PRINTABLE_COUNT; first += 1) {
    for (let second = 0; second < PRINTABLE_COUNT; second += 1) {
      // Under PAD SPACE a trailing space is never weighed (keyText drops it), so neither are these pairs.
      if (probe.padSpace && second === 0) continue;
      const text = String.fromCharCode(PRINTABLE_FIRST + first, PRINTABLE_FIRST + second);
      if (bytesHex(assemble(ascii, text)) !== probe.pairs[first * PRINTABLE_COUNT + second]!.toUpperCase()) return false;
    }
  }
  return true;
}

/**
 * Multi-level weights (MariaDB's `_as_cs` UCA collations: level 1 of every character, then level 2,
 * then level 3): each character's weight split into equal 2-byte units, one per level.
 */
function splitLevels(singles: readonly Uint8Array[]): AsciiWeights | undefined {
  const length = singles[0]!.length;
  if (length < 4 || length % 2 !== 0 || singles.some((weight) => weight.length !== length)) return undefined;
  const count = length / 2;
  const levels = Array.from({ length: count }, (_, level) => singles.map((weight) => weight.subarray(level * 2, level * 2 + 2)));
  return { levels };
}

function assemble(ascii: AsciiWeights, text: string): Uint8Array {
  let size = 0;
  for (const level of ascii.levels) for (let index = 0; index < text.length; index += 1) size += level[text.charCodeAt(index) - PRINTABLE_FIRST]!.length;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const level of ascii.levels) {
    for (let index = 0; index < text.length; index += 1) {
      const weight = level[text.charCodeAt(index) - PRINTABLE_FIRST]!;
      bytes.set(weight, offset);
      offset += weight.length;
    }
  }
  return bytes;
}

export function trimTrailingSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end -= 1;
  return end === text.length ? text : text.slice(0, end);
}

/**
 * Characters at the end of `text` (past its trailing spaces) that the server may ignore after a
 * space, so that PAD SPACE treats that space as trailing: what keyText must be told about.
 */
export function trailingCandidates(text: string): string[] {
  const chars = Array.from(trimTrailingSpaces(text));
  const run: string[] = [];
  let space = false;
  for (let index = chars.length - 1; index >= 0; index -= 1) {
    const char = chars[index]!;
    if (char === ' ') {
      space = true;
      continue;
    }
    const code = char.codePointAt(0)!;
    if (code >= 0x21 && code <= 0x7e) break; // printable ASCII is never ignorable
    run.push(char);
  }
  return space ? run : [];
}

/**
 * The text the rule weighs: PAD SPACE drops trailing spaces, and trailing characters the collation
 * ignores (`ignorable` answers for the characters trailingCandidates named).
 */
export function keyText(rule: KeyRule, text: string, ignorable: (char: string) => boolean = () => false): string {
  if (!rule.padSpace) return text;
  let end = text.length;
  while (end > 0) {
    const last = text.charCodeAt(end - 1);
    if (last === 32) {
      end -= 1;
      continue;
    }
    if (last >= 0x21 && last <= 0x7e) break;
    const pair = last >= 0xdc00 && last <= 0xdfff && end > 1;
    const char = text.slice(pair ? end - 2 : end - 1, end);
    if (!ignorable(char)) break;
    end -= char.length;
  }
  return end === text.length ? text : text.slice(0, end);
}

/** The key pssync builds itself, or undefined when the server must weigh this text. */
export function localKey(rule: KeyRule, text: string, ignorable?: (char: string) => boolean): PackedWeight | undefined {
  if (rule.kind === 'unsupported') return undefined;
  const weighed = keyText(rule, text, ignorable);
  if (rule.kind === 'text') return weighed;
  if (!rule.ascii || !PRINTABLE_ONLY.test(weighed)) return undefined;
  return packWeight(assemble(rule.ascii, weighed));
}

/** The key from the server's HEX(WEIGHT_STRING()) of keyText(rule, text). */
export function serverKey(hex: string): PackedWeight {
  return packWeight(hexBytes(hex));
}

/**
 * Two bytes per UTF-16 code unit after a parity mark, so that no two byte strings pack alike
 * (an odd-length string's last byte is padded with zero) and key maps hold half the characters.
 */
export function packWeight(bytes: Uint8Array): PackedWeight {
  const units: number[] = [bytes.length % 2];
  for (let index = 0; index < bytes.length; index += 2) units.push((bytes[index]! << 8) | (bytes[index + 1] ?? 0));
  let packed = '';
  for (let index = 0; index < units.length; index += 4096) packed += String.fromCharCode(...units.slice(index, index + 4096));
  return packed;
}

function withoutSuffix(bytes: Uint8Array, suffix: Uint8Array): Uint8Array {
  const start = bytes.length - suffix.length;
  if (start < 0 || !suffix.every((byte, index) => bytes[start + index] === byte)) return new Uint8Array(0);
  return bytes.subarray(0, start);
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function bytesHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}
