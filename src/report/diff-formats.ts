// One place that turns a ReportDiff into text, for `asyncbloat diff` and `asyncbloat analyze --baseline`.

import type { ReportDiff } from '../budget/diff.ts';
import type { Colors } from './colors.ts';
import { renderDiffHuman } from './diff-human.ts';
import { renderDiffMarkdown } from './diff-markdown.ts';

export const DIFF_FORMATS = ['human', 'json', 'markdown'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export function renderDiff(diff: ReportDiff, format: DiffFormat, c: Colors, width?: number): string {
  if (format === 'json') return JSON.stringify(diff, null, 2);
  if (format === 'markdown') return renderDiffMarkdown(diff);
  return renderDiffHuman(diff, c, width);
}
