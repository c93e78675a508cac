/** The source half of a plan's fingerprints: a file's bytes, streamed through sha256. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { SourceConfig } from '../manifest/types.js';

/** sha256 of a file source's bytes; undefined for sources that are not files (queries, stdin). */
export async function fileFingerprint(source: SourceConfig): Promise<string | undefined> {
  if (source.kind === 'mysql' || source.path === '-') return undefined;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(source.path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
