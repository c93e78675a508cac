/** Renders a JSON plan in the requested format for stdout. */
import type { PlanJson } from '../plan/plan-json.js';
import { renderMarkdown } from '../render/markdown.js';
import type { Style } from '../render/style.js';
import { renderText } from '../render/text.js';

export type PlanFormat = 'text' | 'markdown' | 'json';

export function renderPlan(json: PlanJson, format: PlanFormat, style: Style, samples: number | undefined): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(json, null, 2)}\n`;
    case 'markdown':
      return renderMarkdown(json, { samples: samples ?? 0 });
    case 'text':
      return renderText(json, style);
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}
