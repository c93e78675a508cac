import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyTransforms, isTransformName, TRANSFORM_NAMES } from '../../../src/mapping/transforms.js';
import type { TransformName } from '../../../src/manifest/types.js';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('applyTransforms', () => {
  const cases: readonly (readonly [unknown, readonly TransformName[], unknown])[] = [
    ['  Ann@Example.COM \n', ['trim'], 'Ann@Example.COM'],
    ['\u00a0x\u3000', ['trim'], 'x'],
    ['MiXeD', ['lowercase'], 'mixed'],
    ['MiXeD', ['uppercase'], 'MIXED'],
    ['straße', ['uppercase'], 'STRASSE'],
    ['ÉCOLE', ['lowercase'], 'école'],
    ['', ['sha256'], 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', ['sha256'], 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['héllo', ['sha256'], sha256('héllo')],
    [' Ann@Example.com ', ['trim', 'lowercase', 'sha256'], sha256('ann@example.com')],
    [' Ann ', ['sha256', 'uppercase'], sha256(' Ann ').toUpperCase()],
    [' x ', ['trim', 'trim'], 'x'],
    [42, ['trim'], '42'],
    [1.5, ['sha256'], sha256('1.5')],
    [12n, ['trim'], '12'],
    [true, ['uppercase'], 'TRUE'],
    [false, ['trim'], 'false'],
    [{ a: 1 }, ['uppercase'], '{"A":1}'],
    [new Date(Date.UTC(2024, 0, 2)), ['trim'], '2024-01-02T00:00:00.000Z'],
  ];
  it.each(cases.map(([value, transforms, expected]) => ({ value, transforms, expected })))(
    '$transforms on $value',
    ({ value, transforms, expected }) => {
      expect(applyTransforms(value, transforms)).toEqual(expected);
    },
  );

  it('passes NULL and undefined through unchanged (never hashes a missing value)', () => {
    expect(applyTransforms(null, ['sha256'])).toBeNull();
    expect(applyTransforms(undefined, ['trim', 'sha256'])).toBeUndefined();
  });

  it('leaves values untouched when there are no transforms', () => {
    expect(applyTransforms(42, [])).toBe(42);
    const object = { a: 1 };
    expect(applyTransforms(object, [])).toBe(object);
  });

  it('hashes lower-case hex of the UTF-8 bytes', () => {
    const digest = applyTransforms('😀', ['sha256']);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).toBe(createHash('sha256').update(Buffer.from('😀', 'utf8')).digest('hex'));
  });
});

describe('TRANSFORM_NAMES', () => {
  it('lists every transform once', () => {
    expect([...TRANSFORM_NAMES].sort()).toEqual(['lowercase', 'sha256', 'trim', 'uppercase']);
  });
  it('recognises transform names', () => {
    expect(isTransformName('sha256')).toBe(true);
    expect(isTransformName('md5')).toBe(false);
    expect(isTransformName('Trim')).toBe(false);
  });
});
