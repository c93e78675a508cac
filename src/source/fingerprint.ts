/** The source half of a plan's fingerprints: a file's bytes, streamed through sha256. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { relative } from 'node:path';
import { isQuerySource, type SourceConfig } from '../manifest/types.js';
import { expandFiles } from './files.js';

/**
 * sha256 of a file source's bytes; for several files, of each file's name (relative to the
 * manifest) and sha256 in reading
 * order (a file added, removed, renamed or changed changes it). Undefined for sources that are
 * not files (queries, stdin): their rows are hashed instead.
 */
export async function fileFingerprint(source: SourceConfig): Promise<string | undefined> {
  if (isQuerySource(source) || source.path === '-') return undefined;
  if (!source.files) return fileHash(source.path);
  const combined = createHash('sha256');
  for (const file of await expandFiles(source.path, source.files)) combined.update(`${relative(source.files.dir, file)}\0${await fileHash(file)}\n`);
  return combined.digest('hex');
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
