/** The secret registry: every encoded form of a secret, longest first, URLs, and redacting streams. */
import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, redact, redactingStream, registerSecret } from '../../../src/model/redaction.js';

afterEach(() => clearSecrets());

describe('redact', () => {
  it('replaces a secret raw, URL-encoded, JSON-escaped and as a SQL literal body', () => {
    const secret = `p@ss'w"rd\\x%`;
    registerSecret(secret, { always: true });
    expect(redact(`raw ${secret} end`)).toBe('raw *** end');
    expect(redact(`url ${encodeURIComponent(secret)} end`)).toBe('url *** end');
    expect(redact(`json ${JSON.stringify(secret)} end`)).toBe('json "***" end');
    expect(redact("near 'p@ss\\'w\\\"rd\\\\x%' at line 1")).toBe("near '***' at line 1");
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    registerSecret('abcd');
    registerSecret('xxabcdyy');
    expect(redact('value xxabcdyy and abcd')).toBe('value *** and ***');
  });

  it('keeps short interpolated values (a port, "true") but always redacts passwords', () => {
    registerSecret('443');
    registerSecret('pw', { always: true });
    expect(redact('port 443, password pw')).toBe('port 443, password ***');
  });

  it('hides the password of any URL, registered or not', () => {
    expect(redact('cannot connect to mysql://app:hunter2@db.example.com:3306/x')).toBe('cannot connect to mysql://app:***@db.example.com:3306/x');
  });
});

describe('redactingStream', () => {
  function sink() {
    const written: unknown[] = [];
    const stream = {
      columns: 120,
      rows: 40,
      isTTY: true,
      write(chunk: unknown, ...rest: unknown[]) {
        written.push(chunk);
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      },
    };
    return { stream: stream as unknown as NodeJS.WriteStream, written };
  }

  it('redacts strings and buffers written through it, passing callbacks on', () => {
    registerSecret('s3cret-value');
    const { stream, written } = sink();
    const wrapped = redactingStream(stream);
    let called = false;
    wrapped.write('progress for s3cret-value\n', () => (called = true));
    wrapped.write(Buffer.from('buffer s3cret-value'));
    expect(written).toEqual(['progress for ***\n', 'buffer ***']);
    expect(called).toBe(true);
  });

  it('keeps the real stream\'s properties, also through a copy (listr2 copies streams with Object.assign)', () => {
    registerSecret('s3cret-value');
    const { stream, written } = sink();
    const wrapped = redactingStream(stream);
    expect(wrapped.isTTY).toBe(true);
    const copy = Object.assign({}, wrapped) as NodeJS.WriteStream;
    expect(copy.columns).toBe(120);
    expect(copy.rows).toBe(40);
    copy.write('copy s3cret-value');
    expect(written).toEqual(['copy ***']);
  });
});
