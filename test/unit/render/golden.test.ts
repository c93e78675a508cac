/**
 * Every fixture plan (test/fixtures/golden/*.plan.json) is a valid plan.schema.json document, and
 * renders in text (plain) and Markdown (samples off, and 3 samples) exactly as its golden files.
 * UPDATE_GOLDEN=1 rewrites the golden files; review each changed one as a reviewer on a PR would.
 */
import { describe, expect, it } from 'vitest';
import type { PlanJson, PlanJsonSync } from '../../../src/plan/plan-json.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { PLAIN } from '../../../src/render/style.js';
import { renderText } from '../../../src/render/text.js';
import { expectGolden, fixtureNames, loadFixture } from './golden.js';
import { planSchemaErrors } from './plan-schema.js';

const FIXTURES = fixtureNames();

const syncHasChanges = (sync: PlanJsonSync) => sync.ddl.length > 0 || sync.rows.insert + sync.rows.update + sync.rows.delete > 0;

describe('golden fixtures', () => {
  it('cover every kind of plan the renderers must handle', () => {
    expect(FIXTURES).toEqual(['audience', 'create-table', 'errors', 'mirror-delete-guard', 'no-changes', 'partial', 'upsert-updates']);
    const all = FIXTURES.map(loadFixture);
    const syncs = all.flatMap((plan) => plan.syncs);
    expect(syncs.some((sync) => sync.ddl.some((statement) => statement.startsWith('CREATE TABLE')))).toBe(true);
    expect(syncs.some((sync) => sync.ddl.some((statement) => statement.startsWith('ALTER TABLE')))).toBe(true);
    expect(syncs.some((sync) => sync.kind === 'audience')).toBe(true);
    expect(syncs.some((sync) => sync.delete_guard !== undefined)).toBe(true);
    expect(syncs.some((sync) => sync.errors.length > 0)).toBe(true);
    expect(syncs.some((sync) => sync.warnings.length > 0)).toBe(true);
    expect(all.some((plan) => plan.errors.length > 0)).toBe(true);
    expect(all.some((plan) => plan.partial)).toBe(true);
    expect(all.some((plan) => !plan.changes)).toBe(true);
    // A long text and a JSON value among the changed samples (shown as word diffs).
    const changes = syncs.flatMap((sync) => sync.samples.update.flatMap((update) => Object.values(update.changes)));
    expect(changes.some(({ before, after }) => (before?.length ?? 0) > 100 && (after?.length ?? 0) > 100)).toBe(true);
    expect(changes.some(({ before }) => before?.startsWith('{') && JSON.parse(before) !== null)).toBe(true);
  });

  for (const name of FIXTURES) {
    describe(name, () => {
      const plan: PlanJson = loadFixture(name);

      it('is valid against schemas/plan.schema.json', () => {
        expect(planSchemaErrors(plan)).toEqual([]);
      });

      it('is consistent: `changes` is false exactly when no sync has DDL or row writes; selected_syncs names the syncs', () => {
        expect(plan.changes).toBe(plan.syncs.some(syncHasChanges));
        expect(plan.selected_syncs).toEqual(plan.syncs.map((sync) => sync.name));
      });

      it('renders as text (plain) like its golden file', () => {
        expectGolden(`${name}.txt`, renderText(plan, PLAIN));
      });

      it('renders as Markdown (default: no samples) like its golden file', () => {
        expectGolden(`${name}.md`, renderMarkdown(plan));
      });

      it('renders as Markdown with --samples 3 like its golden file', () => {
        expectGolden(`${name}.samples-3.md`, renderMarkdown(plan, { samples: 3 }));
      });
    });
  }
});

describe('plan.schema.json is not vacuous', () => {
  const plan = loadFixture('upsert-updates');
  const sync = plan.syncs[0]!;

  it.each([
    ['a missing format_version', { ...plan, format_version: undefined }],
    ['another format_version', { ...plan, format_version: '2' }],
    ['a created_at that is not a date-time', { ...plan, created_at: 'yesterday' }],
    ['a manifest digest that is not sha256 hex', { ...plan, manifest: { ...plan.manifest, digest: 'abc' } }],
    ['a sync without rows.skip', { ...plan, syncs: [{ ...sync, rows: { insert: 1, update: 0, delete: 0 } }] }],
    ['a negative count', { ...plan, syncs: [{ ...sync, rows: { ...sync.rows, insert: -1 } }] }],
    ['an unknown mode', { ...plan, syncs: [{ ...sync, mode: 'merge' }] }],
    ['a numeric sample value', { ...plan, syncs: [{ ...sync, samples: { ...sync.samples, insert: [{ id: 1 }] } }] }],
    ['a diagnostic code outside PSSYNC_E_/PSSYNC_W_', { ...plan, errors: [{ code: 'E42', message: 'boom' }] }],
  ])('rejects %s', (_what, value) => {
    expect(planSchemaErrors(value)).not.toEqual([]);
  });
});
