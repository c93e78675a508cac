import { describe, expect, it } from 'vitest';
import { readYaml } from '../../../src/manifest/yaml-tree.js';

describe('readYaml', () => {
  it('indexes every value by JSON pointer with key and value positions', () => {
    const tree = readYaml('a:\n  b: [x, {c: 1}]\n  "d/e~f": 2\n', 'm.yaml');
    expect(tree.diagnostics).toEqual([]);
    expect(tree.value).toEqual({ a: { b: ['x', { c: 1 }], 'd/e~f': 2 } });
    expect(tree.index.get('/a/b/1/c')).toEqual({ key: { line: 2, column: 11 }, value: { line: 2, column: 14 }, path: 'a.b[1].c' });
    expect(tree.index.get('/a/b/0')).toEqual({ value: { line: 2, column: 7 }, path: 'a.b[0]' });
    expect(tree.index.get('/a/d~1e~0f')?.path).toBe('a["d/e~f"]');
    expect(tree.index.get('')?.value).toEqual({ line: 1, column: 1 });
  });

  it('reports syntax errors with line and column', () => {
    const tree = readYaml('a: [1, 2\nb: 3\n', 'm.yaml');
    expect(tree.diagnostics).toHaveLength(1);
    expect(tree.diagnostics[0]).toMatchObject({ code: 'PSSYNC_E_YAML', file: 'm.yaml', line: 2, column: 1 });
    expect(tree.diagnostics[0]!.message).not.toMatch(/at line/);
  });

  it('reports duplicate keys with both positions', () => {
    const tree = readYaml('a: 1\nb:\n  c: 1\n  c: 2\n', 'm.yaml');
    expect(tree.diagnostics).toEqual([
      {
        code: 'PSSYNC_E_YAML',
        severity: 'error',
        message: 'duplicate key `c` (first defined at line 3)',
        file: 'm.yaml',
        line: 4,
        column: 3,
        path: 'b.c',
      },
    ]);
  });

  it('expands aliases, pointing at the alias', () => {
    const tree = readYaml('a: &k [x, y]\nb: *k\n', 'm.yaml');
    expect(tree.value).toEqual({ a: ['x', 'y'], b: ['x', 'y'] });
    expect(tree.index.get('/b/0')?.path).toBe('b[0]');
  });

  it('keeps keys named __proto__ as plain data', () => {
    const tree = readYaml('__proto__: {polluted: true}\n', 'm.yaml');
    expect(Object.keys(tree.value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejoins a parenthesised plain value that a flow mapping split at its commas', () => {
    const tree = readYaml('- { to: a, type: decimal(12,2), x: 1 }\n- { type: decimal(12, 2) }\n', 'm.yaml');
    expect(tree.diagnostics).toEqual([]);
    expect(tree.value).toEqual([{ to: 'a', type: 'decimal(12,2)', x: 1 }, { type: 'decimal(12, 2)' }]);
    expect(tree.index.get('/0/type')?.value).toEqual({ line: 1, column: 18 });
  });

  it('does not rejoin when the pieces are real entries', () => {
    const tree = readYaml('{ a: f(1, b: 2) }\n', 'm.yaml');
    expect(tree.value).toEqual({ a: 'f(1', b: '2)' });
  });

  it('reads an empty document as null', () => {
    expect(readYaml('', 'm.yaml').value).toBeNull();
  });
});
