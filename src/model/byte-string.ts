/**
 * Binary values (BINARY, VARBINARY, BLOB) inside pssync are byte strings: one UTF-16 unit of
 * 0–255 per byte (Latin-1 decoding), so any bytes survive, compare exactly and sort bytewise, as
 * the server compares them. They become bytes again only on the way to the server.
 */
export function byteStringOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function bytesOf(byteString: string): Buffer {
  return Buffer.from(byteString, 'latin1');
}

/** `FF00C3`: how a byte string is written in SQL (X'…') and shown to people (0x…). */
export function hexOf(byteString: string): string {
  return bytesOf(byteString).toString('hex').toUpperCase();
}
