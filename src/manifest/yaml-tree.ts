/**
 * YAML text → plain value plus a position index. Later stages (interpolation, ajv, normalize)
 * work on plain values; the index maps each value's JSON pointer (the same spelling as ajv's
 * `instancePath`) back to its line and column, so every diagnostic can point into the file.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.js';

export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

export interface NodeInfo {
  /** The key of a map entry; absent for sequence items and the root. */
  readonly key?: LineColumn;
  /** The value (or the key, when the value is empty). */
  readonly value: LineColumn;
  /** Dotted key path, e.g. `syncs.customer_ltv.fields[1].type`. */
  readonly path: string;
}

/** JSON pointer (`/syncs/customer_ltv/fields/1`) → where that value sits. */
export type PositionIndex = ReadonlyMap<string, NodeInfo>;

export interface YamlTree {
  readonly value: unknown;
  readonly index: PositionIndex;
  /** YAML syntax errors and duplicate keys; when any, `value` is not to be trusted. */
  readonly diagnostics: readonly Diagnostic[];
}

const START: LineColumn = { line: 1, column: 1 };
/** Alias expansions allowed per document: guards against "billion laughs" documents. */
const MAX_ALIASES = 1000;

export function childPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export function childPath(path: string, segment: string | number): string {
  if (typeof segment === 'number') return `${path}[${segment}]`;
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return `${path}[${JSON.stringify(segment)}]`;
  return path === '' ? segment : `${path}.${segment}`;
}

/** Where to point for a value: its own position, else the root. */
export function valuePosition(index: PositionIndex, pointer: string): LineColumn & { readonly path: string } {
  const info = index.get(pointer);
  return info ? { ...info.value, path: info.path } : { ...START, path: '' };
}

/** Where to point for a map entry as a whole (its key), falling back to its value. */
export function keyPosition(index: PositionIndex, pointer: string): LineColumn & { readonly path: string } {
  const info = index.get(pointer);
  return info ? { ...(info.key ?? info.value), path: info.path } : { ...START, path: '' };
}

export function readYaml(text: string, file: string): YamlTree {
  const lineCounter = new LineCounter();
  // uniqueKeys off: duplicates are reported below, with the key's name and first position.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number | undefined): LineColumn => {
    if (offset === undefined) return START;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const diagnostics: Diagnostic[] = [];
  const error = (message: string, where: LineColumn, path?: string): void => {
    diagnostics.push({
      code: 'PSSYNC_E_YAML',
      severity: 'error',
      message,
      file,
      line: where.line,
      column: where.column,
      ...(path ? { path } : {}),
    });
  };
  for (const problem of doc.errors) error(cleanYamlMessage(problem.message), at(problem.pos[0]));
  if (diagnostics.length > 0) return { value: undefined, index: new Map(), diagnostics };

  const index = new Map<string, NodeInfo>();
  let aliases = 0;
  const active = new Set<Node>();

  const walk = (node: unknown, pointer: string, path: string, key: LineColumn | undefined): unknown => {
    const here = isNodeLike(node) && node.range ? at(node.range[0]) : (key ?? START);
    index.set(pointer, { ...(key ? { key } : {}), value: here, path });
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(doc as Document);
      if (!target || active.has(target) || ++aliases > MAX_ALIASES) {
        error(`alias *${node.source} cannot be expanded`, here, path);
        return null;
      }
      active.add(target);
      // The alias's own position stays in the index: errors point where the value is used.
      const value = walkChildren(target, pointer, path);
      active.delete(target);
      return value;
    }
    return walkChildren(node, pointer, path);
  };

  const walkChildren = (node: unknown, pointer: string, path: string): unknown => {
    if (isScalar(node)) return node.value;
    if (isSeq(node)) return node.items.map((item, i) => walk(item, childPointer(pointer, i), childPath(path, i), undefined));
    if (isMap(node)) {
      const result: Record<string, unknown> = {};
      const seen = new Map<string, LineColumn>();
      const pairs: MapEntry[] = node.flow ? rejoinSplitValues(node.items, text) : node.items.map((pair) => ({ pair }));
      for (const { pair, joined } of pairs) {
        const keyNode = pair.key;
        const keyAt = isNodeLike(keyNode) && keyNode.range ? at(keyNode.range[0]) : at(node.range?.[0]);
        if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
          error('keys must be plain names', keyAt, path);
          continue;
        }
        const name = String(keyNode.value);
        const entryPath = childPath(path, name);
        const first = seen.get(name);
        if (first) {
          error(`duplicate key \`${name}\` (first defined at line ${first.line})`, keyAt, entryPath);
          continue;
        }
        seen.set(name, keyAt);
        const childAt = childPointer(pointer, name);
        let value: unknown;
        if (joined) {
          index.set(childAt, { key: keyAt, value: at(joined.start), path: entryPath });
          value = joined.text;
        } else {
          value = walk(pair.value, childAt, entryPath, keyAt);
        }
        // defineProperty: a key named `__proto__` must stay data, not change the prototype.
        Object.defineProperty(result, name, { value, enumerable: true, writable: true, configurable: true });
      }
      return result;
    }
    return null;
  };

  const value = walk(doc.contents, '', '', undefined);
  return { value, index, diagnostics };
}

interface MapEntry {
  readonly pair: Pair<unknown, unknown>;
  /** A plain value rejoined from pieces that YAML split at commas. */
  readonly joined?: { readonly text: string; readonly start: number };
}

/**
 * In a flow mapping, YAML splits `{ type: decimal(12,2) }` at the comma into `type: decimal(12`
 * and a key `2)`. The SPEC writes types this way, so a plain value with an unclosed parenthesis
 * is rejoined with the entries that close it, using the source text — but only when the pieces
 * hold nothing else (no `:`, brackets or comments), so real entries are never swallowed.
 */
function rejoinSplitValues(items: readonly Pair<unknown, unknown>[], text: string): MapEntry[] {
  const entries: MapEntry[] = [];
  for (let i = 0; i < items.length; i++) {
    const pair = items[i]!;
    const value = pair.value;
    if (!isScalar(value) || value.type !== 'PLAIN' || typeof value.value !== 'string' || !value.range || depth(value.value) <= 0) {
      entries.push({ pair });
      continue;
    }
    const start = value.range[0];
    let end = value.range[1];
    let j = i;
    while (depth(text.slice(start, end)) > 0 && j + 1 < items.length) {
      j += 1;
      const next = items[j]!;
      end = Math.max(end, rangeEnd(next.key), rangeEnd(next.value));
    }
    const joined = text.slice(start, end);
    if (j > i && depth(joined) === 0 && !/[:{}[\]#\n]/.test(joined)) {
      entries.push({ pair, joined: { text: joined, start } });
      i = j;
    } else {
      entries.push({ pair });
    }
  }
  return entries;
}

/** Open parentheses minus closed ones. */
function depth(text: string): number {
  return (text.match(/\(/g)?.length ?? 0) - (text.match(/\)/g)?.length ?? 0);
}

function rangeEnd(node: unknown): number {
  return isNodeLike(node) && node.range ? node.range[1] : 0;
}

function isNodeLike(value: unknown): value is { range?: [number, number, number] | null } {
  return typeof value === 'object' && value !== null && 'range' in value;
}

/** yaml's messages end with " at line L, column C" even without pretty errors; we report those separately. */
function cleanYamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}
