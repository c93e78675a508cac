/**
 * Golden files for the renderers: test/fixtures/golden/<name>.plan.json are hand-checked JSON plans,
 * and <name>.txt / <name>.md / <name>.samples-3.md what a person reads. `UPDATE_GOLDEN=1 npx vitest
 * run test/unit/render` rewrites the golden files; read every changed one before committing it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { PlanJson } from '../../../src/plan/plan-json.js';

export const GOLDEN_DIR = resolve(import.meta.dirname, '../../fixtures/golden');
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** The fixture names, `audience` for `audience.plan.json`, sorted. */
export function fixtureNames(): string[] {
  return readdirSync(GOLDEN_DIR)
    .filter((file) => file.endsWith('.plan.json'))
    .map((file) => file.slice(0, -'.plan.json'.length))
    .sort();
}

export function loadFixture(name: string): PlanJson {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, `${name}.plan.json`), 'utf8')) as PlanJson;
}

/** Compares `actual` with the golden file, or rewrites the golden file under UPDATE_GOLDEN=1. */
export function expectGolden(file: string, actual: string): void {
  const path = join(GOLDEN_DIR, file);
  if (UPDATE_GOLDEN) {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/unit/render, then review it`);
  // toBe on the whole text: vitest shows a line diff on failure.
  expect(actual, `${file} differs from its golden file (UPDATE_GOLDEN=1 rewrites it; review the diff first)`).toBe(readFileSync(path, 'utf8'));
}
