/**
 * Field transforms from the manifest (`transform: [trim, lowercase, sha256]`), applied in
 * order before coercion. NULL stays NULL (hashing NULL would invent a value).
 */
import { createHash } from 'node:crypto';
import type { TransformName } from '../manifest/types.js';

export const TRANSFORM_NAMES = ['trim', 'lowercase', 'uppercase', 'sha256'] as const satisfies readonly TransformName[];

export function isTransformName(name: string): name is TransformName {
  return (TRANSFORM_NAMES as readonly string[]).includes(name);
}

/** Strings as they are; numbers, bigints and booleans by String(); Dates as ISO; objects as JSON. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function applyOne(text: string, transform: TransformName): string {
  switch (transform) {
    case 'trim':
      return text.trim();
    case 'lowercase':
      return text.toLowerCase();
    case 'uppercase':
      return text.toUpperCase();
    case 'sha256':
      return createHash('sha256').update(text, 'utf8').digest('hex');
    default: {
      const unknownTransform: never = transform;
      throw new Error(`unknown transform ${String(unknownTransform)}`);
    }
  }
}

export function applyTransforms(value: unknown, transforms: readonly TransformName[]): unknown {
  if (value === null || value === undefined || transforms.length === 0) return value;
  let text = asText(value);
  for (const transform of transforms) text = applyOne(text, transform);
  return text;
}
