/**
 * Markdown for pull-request comments: GitHub rejects comments over 65,536 characters, so the
 * output stays under 65,000 however big the plan, truncating per-sync details but never the
 * summary table; sample values (personal data) are left out unless asked for.
 */
import { describe, expect, it } from 'vitest';
import type { JsonRow, PlanJson, PlanJsonSync } from '../../../src/plan/plan-json.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { fixtureNames, loadFixture } from './golden.js';

const LIMIT = 65_000;

/** Every sample value in a sync: inserted and deleted rows, update keys, before and after. */
function sampleValues(sync: PlanJsonSync): string[] {
  const rowValues = (row: JsonRow) => Object.values(row).filter((value): value is string => value !== null);
  return [
    ...sync.samples.insert.flatMap(rowValues),
    ...sync.samples.delete.flatMap(rowValues),
    ...sync.samples.update.flatMap((update) => [
      ...rowValues(update.key),
      ...Object.values(update.changes).flatMap(({ before, after }) => [before, after].filter((value): value is string => value !== null)),
    ]),
  ];
}

/** `count` syncs, cycling through the fixtures' syncs without errors (DDL, samples, warnings, a delete guard) under new names. */
function bigPlan(count: number, tweak: (sync: PlanJsonSync, index: number) => PlanJsonSync = (sync) => sync): PlanJson {
  const templates = fixtureNames()
    .map(loadFixture)
    .flatMap((plan) => plan.syncs)
    .filter((sync) => sync.errors.length === 0);
  const syncs = Array.from({ length: count }, (_, index) => {
    const template = templates[index % templates.length]!;
    const name = `${template.name}_region_${String(index).padStart(3, '0')}`;
    const table = `${template.table}_region_${String(index).padStart(3, '0')}`;
    return tweak({ ...template, name, table, ddl: template.ddl.map((statement) => statement.replace(`\`${template.table}\``, `\`${table}\``)) }, index);
  });
  const base = loadFixture('upsert-updates');
  return { ...base, selected_syncs: syncs.map((sync) => sync.name), changes: true, syncs };
}

/** The sync rows of the summary table: after its header and separator, up to the first line that is not a table row; the totals row apart. */
function summaryRows(markdown: string): string[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((line) => line.startsWith('| sync |'));
  expect(header, 'the summary table').toBeGreaterThan(-1);
  const end = lines.findIndex((line, index) => index > header + 1 && !line.startsWith('|'));
  return lines.slice(header + 2, end === -1 ? undefined : end).filter((line) => !line.startsWith('| **total**'));
}

/** Whether a sync gets a <details> section: only when it has DDL, warnings, or samples to show. */
function hasDetails(sync: PlanJsonSync, samples: number): boolean {
  const sampled = sync.samples.insert.length + sync.samples.update.length + sync.samples.delete.length;
  return sync.ddl.length > 0 || sync.warnings.length > 0 || (samples > 0 && sampled > 0);
}

describe('renderMarkdown: size cap', () => {
  const plan = bigPlan(500);

  it('keeps a 500-sync plan under 65,000 characters, with every sync in the summary table', () => {
    for (const samples of [0, 3]) {
      const markdown = renderMarkdown(plan, { samples });
      expect(markdown.length).toBeLessThan(LIMIT);
      const rows = summaryRows(markdown);
      expect(rows).toHaveLength(500);
      plan.syncs.forEach((sync, index) => expect(rows[index]).toContain(`| ${sync.name}`));
    }
  });

  it('says that details were left out, and how many', () => {
    const markdown = renderMarkdown(plan, { samples: 3 });
    const shown = (markdown.match(/<details>/g) ?? []).length;
    const withDetails = plan.syncs.filter((sync) => hasDetails(sync, 3)).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(withDetails);
    expect(markdown).toContain(`${withDetails - shown} more sync detail(s) not shown`);
    // The truncation never leaves an open <details> or code block behind.
    expect((markdown.match(/<\/details>/g) ?? []).length).toBe(shown);
    expect((markdown.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  // Two realistic ways for every sync to be blocked: the source files were not downloaded in CI,
  // or an upstream export came out empty and every mirror would empty its table.
  it.each([
    [
      'every source file is missing',
      (sync: PlanJsonSync): PlanJsonSync => ({
        ...sync,
        errors: [{ code: 'PSSYNC_E_SOURCE', sync: sync.name, file: `data/exports/${sync.name}.csv`, message: 'cannot open: no such file' }],
      }),
    ],
    [
      'every mirror would empty its table',
      (sync: PlanJsonSync): PlanJsonSync => ({
        ...sync,
        mode: 'mirror',
        rows: { insert: 0, update: 0, delete: 1200, skip: 0 },
        source_rows: 0,
        destination_rows: 1200,
        delete_guard: 'the source is empty, so mirror would delete all 1200 row(s) in scope',
      }),
    ],
  ])('stays under the cap when all 500 syncs are blocked: %s', (_why, block) => {
    const markdown = renderMarkdown(bigPlan(500, block));
    expect(markdown.length).toBeLessThan(LIMIT);
    expect(summaryRows(markdown)).toHaveLength(500);
  });

  it('does not truncate a plan that fits', () => {
    const small = bigPlan(20);
    const markdown = renderMarkdown(small, { samples: 3 });
    expect((markdown.match(/<details>/g) ?? []).length).toBe(small.syncs.filter((sync) => hasDetails(sync, 3)).length);
    expect(summaryRows(markdown)).toHaveLength(20);
    expect(markdown).toContain('| **total** |');
    expect(markdown).not.toContain('not shown');
  });
});

describe('renderMarkdown: sample values (personal data in PR comments)', () => {
  for (const name of fixtureNames()) {
    it(`${name}: shows no sample value by default`, () => {
      const plan = loadFixture(name);
      const markdown = renderMarkdown(plan);
      // Values that also occur in non-sample text (DDL, messages) are not evidence of a leak.
      const context = JSON.stringify(plan.syncs.map((sync) => [sync.name, sync.table, sync.ddl, sync.warnings, sync.errors, sync.delete_guard ?? '']));
      const values = plan.syncs.flatMap(sampleValues).filter((value) => value.length >= 4 && !context.includes(value));
      for (const value of values) expect(markdown).not.toContain(value);
      expect(markdown).not.toContain('```diff');
      expect(renderMarkdown(plan, { samples: 0 })).toBe(markdown);
    });
  }

  it('--samples N shows at most N rows per operation', () => {
    const plan = loadFixture('mirror-delete-guard');
    const sync = plan.syncs[0]!;
    expect(sync.samples.delete.length).toBe(5);
    const lines = (samples: number) => {
      const markdown = renderMarkdown(plan, { samples });
      const diff = markdown.slice(markdown.indexOf('```diff'));
      return diff.slice(0, diff.indexOf('\n```')).split('\n').slice(1);
    };
    expect(lines(3).filter((line) => line.startsWith('-'))).toHaveLength(3);
    expect(lines(1).filter((line) => line.startsWith('-'))).toHaveLength(1);
    expect(lines(1).filter((line) => line.startsWith('+'))).toHaveLength(1);
    expect(lines(10).filter((line) => line.startsWith('-'))).toHaveLength(5);
  });
});

describe('renderMarkdown: content', () => {
  it('puts the summary table first and the blocking items (delete guard, errors) before the details', () => {
    for (const name of ['mirror-delete-guard', 'errors']) {
      const markdown = renderMarkdown(loadFixture(name), { samples: 3 });
      const table = markdown.indexOf('| sync |');
      const blocking = markdown.indexOf('**Blocking**');
      const details = markdown.indexOf('<details>');
      expect(table).toBeGreaterThan(-1);
      expect(blocking).toBeGreaterThan(table);
      expect(details).toBeGreaterThan(blocking);
    }
    expect(renderMarkdown(loadFixture('mirror-delete-guard'))).toMatch(/churn_scores.*10 deletes exceed safety\.max_deletes \(5\).*--allow-deletes/);
  });

  it('says "partial plan" for a partial plan, and only then', () => {
    for (const name of fixtureNames()) {
      const plan = loadFixture(name);
      expect(renderMarkdown(plan).toLowerCase().includes('partial plan'), name).toBe(plan.partial);
    }
  });

  it('puts DDL in an sql block', () => {
    const markdown = renderMarkdown(loadFixture('create-table'));
    expect(markdown).toMatch(/```sql\nCREATE TABLE `customer_ltv` \(\n[\s\S]*\);\n```/);
  });
});
