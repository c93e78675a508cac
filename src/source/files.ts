/**
 * Several files read as one source (`path` a glob or a list: warehouse exports such as
 * `part-*.parquet`, `….csv.gz`). Each entry of the list in turn, a glob's matches sorted by name;
 * a glob matching nothing, a listed file that is missing, or a file named twice is an error.
 * Each file is read by its kind's reader, one after the other, so memory is one file reader's.
 * Records carry their file and line there (SourceRow.origin); `line` counts on across files.
 * CSV and Parquet files must have the same columns as the first file: a part with another
 * header is a different export, not more rows.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { FileSet } from '../manifest/types.js';
import { SourceError, type SourceRow } from './source.js';

/** The files of a file set, in reading order (absolute paths). */
export async function expandFiles(where: string, files: FileSet): Promise<string[]> {
  const result: string[] = [];
  const seen = new Set<string>();
  for (const entry of files.entries) {
    const matches = isDynamicPattern(entry) ? await globFiles(files.dir, entry) : [await literalFile(files.dir, entry)];
    if (matches.length === 0) throw new SourceError(where, `\`${entry}\` matches no file (relative to ${files.dir}); an export that wrote nothing is an error, not an empty source`);
    for (const file of matches) {
      if (seen.has(file)) throw new SourceError(where, `${file} is named twice (by \`${entry}\` and an earlier entry of \`path\`); each file is read once`);
      seen.add(file);
      result.push(file);
    }
  }
  return result;
}

/**
 * Matches of one pattern, sorted. The fixed leading directories are resolved first and the rest
 * matched below them: a manifest folder whose name has glob characters stays literal, and
 * `../exports/*.csv` works (tinyglobby misses matches when a pattern climbs out of its cwd).
 */
async function globFiles(dir: string, pattern: string): Promise<string[]> {
  const segments = pattern.split('/');
  let fixed = 0;
  while (fixed < segments.length - 1 && !isDynamicPattern(segments[fixed]!)) fixed++;
  // Fixed segments may escape glob characters (`exports \[v1\]`): as a directory name they are plain.
  const head = segments.slice(0, fixed).map((segment) => segment.replace(/\\(.)/g, '$1')).join('/');
  const base = isAbsolute(pattern) ? resolve('/', head) : resolve(dir, head);
  const rest = segments.slice(fixed).join('/');
  const matches = await glob([rest], { cwd: base, absolute: true, onlyFiles: true, expandDirectories: false, dot: false, followSymbolicLinks: true });
  // tinyglobby gives '/'-separated paths; node:path's, on this platform, for messages and reading.
  return matches.map((match) => (sep === '/' ? match : match.split('/').join(sep))).sort(byName);
}

async function literalFile(dir: string, entry: string): Promise<string> {
  const file = isAbsolute(entry) ? entry : join(dir, entry);
  const found = await stat(file).catch(() => undefined);
  if (!found) throw new SourceError(file, 'cannot open: no such file');
  if (found.isDirectory()) throw new SourceError(file, 'cannot open: it is a directory, not a file (a glob such as `dir/*.csv` reads the files in it)');
  return file;
}

/** Stable order whatever the locale: by UTF-16 code units, as the names are spelled. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The records of `files`, read one file after another by `readOne`. `sameColumns` (CSV,
 * Parquet) refuses a file whose first record has other field names than the first file's.
 */
export async function* readFiles(
  files: readonly string[],
  readOne: (file: string) => AsyncIterable<SourceRow>,
  sameColumns: boolean,
): AsyncGenerator<SourceRow> {
  let offset = 0;
  let columns: { readonly file: string; readonly names: readonly string[] } | undefined;
  for (const file of files) {
    let last = 0;
    for await (const record of readOne(file)) {
      if (sameColumns && last === 0) {
        const names = Object.keys(record.fields);
        if (!columns) columns = { file, names };
        else checkColumns(file, names, columns, record.line);
      }
      last = record.line;
      yield { fields: record.fields, line: offset + record.line, origin: { file, line: record.line } };
    }
    offset += last;
  }
}

function checkColumns(file: string, names: readonly string[], first: { readonly file: string; readonly names: readonly string[] }, line: number): void {
  const expected = new Set(first.names);
  const missing = first.names.filter((name) => !names.includes(name));
  const extra = names.filter((name) => !expected.has(name));
  if (missing.length === 0 && extra.length === 0) return;
  const parts = [missing.length ? `lacks ${missing.map((name) => `\`${name}\``).join(', ')}` : '', extra.length ? `has ${extra.map((name) => `\`${name}\``).join(', ')} too` : ''].filter(Boolean);
  throw new SourceError(file, `its columns differ from those of ${first.file} (the first file): it ${parts.join(' and ')}; every file of one source must have the same columns`, line);
}
