import { beforeEach, describe, expect, it } from 'vitest';
import { clearSecrets, redact } from '../../../src/model/redaction.js';
import { interpolateString, registerManifestSecrets, urlPasswords } from '../../../src/manifest/interpolate.js';
import { parseManifest } from '../../../src/manifest/index.js';

describe('interpolateString', () => {
  const env = { HOST: 'db.example.com', PORT: '3307', EMPTY: '' };

  it('replaces several variables in one string', () => {
    expect(interpolateString('${HOST}:${PORT}/x', env)).toMatchObject({
      value: 'db.example.com:3307/x',
      missing: [],
      fromEnv: ['db.example.com', '3307'],
    });
  });

  it('uses the default when the variable is unset or empty', () => {
    expect(interpolateString('${NOPE:-fallback}', env).value).toBe('fallback');
    expect(interpolateString('${EMPTY:-fallback}', env).value).toBe('fallback');
    expect(interpolateString('${HOST:-fallback}', env).value).toBe('db.example.com');
    expect(interpolateString('${NOPE:-}', env).value).toBe('');
    expect(interpolateString('${NOPE:-a:-b}', env).value).toBe('a:-b');
  });

  it('keeps a set-but-empty variable without a default as the empty string', () => {
    expect(interpolateString('x${EMPTY}y', env)).toMatchObject({ value: 'xy', missing: [] });
  });

  it('reports unset variables without a default by name', () => {
    expect(interpolateString('${A}-${HOST}-${B}', env).missing).toEqual(['A', 'B']);
  });

  it('treats $${ as a literal ${ and leaves other dollars alone', () => {
    expect(interpolateString('$${HOST} costs $5 and $HOST', env)).toMatchObject({
      value: '${HOST} costs $5 and $HOST',
      missing: [],
      fromEnv: [],
    });
  });

  it('reports malformed expressions', () => {
    expect(interpolateString('${1A}', env).malformed).toEqual(['${1A}']);
    expect(interpolateString('${A', env).malformed).toEqual(['${A']);
    expect(interpolateString('${A:-${B}}', env).malformed).toHaveLength(1);
    expect(interpolateString('${}', env).malformed).toEqual(['${}']);
  });

  it('does not count defaults as environment values', () => {
    expect(interpolateString('${NOPE:-default-text}', env).fromEnv).toEqual([]);
  });
});

describe('urlPasswords', () => {
  it('finds raw and decoded passwords, also when they are not escaped', () => {
    expect(urlPasswords('mysql://u:p%2Fss@h/db')).toEqual(['p%2Fss', 'p/ss']);
    expect(urlPasswords('mysql://u:pa@ss/x@h/db')).toEqual(['pa@ss/x']);
    expect(urlPasswords('mysql://u@h/db')).toEqual([]);
    expect(urlPasswords('not a url')).toEqual([]);
  });
});

describe('secret registration', () => {
  beforeEach(() => clearSecrets());

  it('registers values from the environment, not defaults or literal text', () => {
    parseManifest(
      'version: 1\ndestinations:\n  w:\n    host: ${H}\n    database: ${D:-literal-database}\n',
      'pssync.yaml',
      { H: 'secret-host.example.com' },
    );
    expect(redact('x secret-host.example.com y')).toBe('x *** y');
    expect(redact('literal-database')).toBe('literal-database');
  });

  it('registers every password, however short and wherever it came from', () => {
    registerManifestSecrets({
      destinations: { a: { password: 'pw1' }, b: { url: 'mysql://u:p%40w@h/db' } },
      sources: { s: { kind: 'mysql', url: 'mysql://r:zz@h/db', query: 'select 1' } },
    });
    expect(redact('pw1 p@w p%40w zz')).toBe('*** *** *** ***');
  });
});
