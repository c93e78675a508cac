/**
 * The text plan: colour codes only with the COLOR style (a TTY without NO_COLOR), Terraform-like
 * symbols and totals, and values from the data never able to smuggle terminal escape codes or
 * Markdown structure into the output.
 */
import { describe, expect, it } from 'vitest';
import type { PlanJson } from '../../../src/plan/plan-json.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { COLOR, PLAIN, useColor } from '../../../src/render/style.js';
import { renderText } from '../../../src/render/text.js';
import { fixtureNames, loadFixture } from './golden.js';

const ESC = '\u001b';

describe('colour', () => {
  for (const name of fixtureNames()) {
    it(`${name}: escape codes only with the COLOR style, and the same text without them`, () => {
      const plan = loadFixture(name);
      const plain = renderText(plan, PLAIN);
      const colored = renderText(plan, COLOR);
      expect(plain).not.toContain(ESC);
      expect(renderText(plan)).toBe(plain); // PLAIN is the default
      expect(colored).toContain(`${ESC}[`);
      // eslint-disable-next-line no-control-regex
      expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(plain);
      expect(renderMarkdown(plan)).not.toContain(ESC);
      expect(renderMarkdown(plan, { samples: 3 })).not.toContain(ESC);
    });
  }

  it('useColor: only on a TTY, never with NO_COLOR or TERM=dumb', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '' })).toBe(false);
    expect(useColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});

describe('renderText: content', () => {
  it('has a legend, one summary line per sync and a total', () => {
    const text = renderText(loadFixture('upsert-updates'));
    expect(text.split('\n')[0]).toMatch(/^Legend: ! DDL {2}\+ insert {2}~ update {2}- delete$/);
    expect(text).toContain('+1 insert  ~4 update  -0 delete');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 1 DDL statement, 1 to insert, 4 to update, 0 to delete.');
  });

  it('says "partial plan" for a partial plan, and only then', () => {
    for (const name of fixtureNames()) {
      const plan = loadFixture(name);
      expect(renderText(plan).toLowerCase().includes('partial plan'), name).toBe(plan.partial);
    }
  });

  it('says "No changes" exactly when the plan has none', () => {
    for (const name of fixtureNames()) {
      const plan = loadFixture(name);
      expect(renderText(plan).includes('No changes.'), name).toBe(!plan.changes);
    }
  });

  it('shows a long changed text and a changed JSON value as word diffs, not two walls of text', () => {
    const plan = loadFixture('upsert-updates');
    const description = plan.syncs[0]!.samples.update[0]!.changes['description']!;
    const text = renderText(plan);
    const line = text.split('\n').find((candidate) => candidate.includes('SKU-1001'))!;
    expect(line).toContain('[-rock-]{+carbon+}');
    expect(line).toContain('{+,44+}');
    // The unchanged text is not printed twice (once as before, once as after).
    expect(line.length).toBeLessThan(description.before!.length + description.after!.length);
    expect(line.split('plate').length - 1).toBe(1);
  });
});

describe('values from the data cannot inject output', () => {
  const hostile = (() => {
    const plan = structuredClone(loadFixture('upsert-updates')) as PlanJson & { syncs: { samples: { update: { changes: Record<string, { before: string | null; after: string | null }> }[]; insert: Record<string, string | null>[] } }[] };
    const sync = plan.syncs[0]!;
    const long = 'A long product description that goes on and on, about the shoe and its sole';
    sync.samples.update[0]!.changes['description'] = {
      before: `${long} ${ESC}[2J${ESC}[31mred\r\n\`\`\`\n# injected heading\n`,
      after: `${long} ${ESC}]0;pwned\u0007 plain\r\`\`\`\r<img src=x>\n`,
    };
    sync.samples.insert[0]!['title'] = `short ${ESC}[1m\r\`\`\``;
    return plan as PlanJson;
  })();

  it('text: no raw escape, carriage-return or bell characters from the data', () => {
    const text = renderText(hostile, PLAIN);
    expect(text).not.toContain(ESC);
    expect(text).not.toContain('\r');
    expect(text).not.toContain('\u0007');
  });

  it('Markdown: no raw control characters, and no line from the data can close the code block', () => {
    const markdown = renderMarkdown(hostile, { samples: 3 });
    expect(markdown).not.toContain(ESC);
    expect(markdown).not.toContain('\r');
    expect(markdown).not.toContain('\u0007');
    const lines = markdown.split('\n');
    const fences = lines.filter((line) => /^ {0,3}(```|~~~)/.test(line));
    expect(fences).toEqual(['```sql', '```', '```diff', '```']);
    expect(lines.some((line) => line.startsWith('# injected'))).toBe(false);
  });
});
