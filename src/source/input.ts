/** Opens a file source (or stdin for `-`) as a byte stream. */
import type { Readable } from 'node:stream';

export function openInput(path: string, open: (path: string) => Readable): Readable {
  return path === '-' ? process.stdin : open(path);
}
