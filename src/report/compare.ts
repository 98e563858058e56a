// `asyncbloat compare` in the terminal, Markdown and HTML: which two builds were compared, then the measured
// differences per item and per crate (the terminal shares `savings`' table).

import { formatDelta } from '../budget/delta-text.ts';
import type { CompareResult } from '../compare/compare.ts';
import type { Colors } from './colors.ts';
import { STATUS_MARK } from './diff-common.ts';
import { goalAmounts } from './goal-rows.ts';
import { escapeHtml } from './html/render.ts';
import { staticPage } from './html/static-page.ts';
import { escapeMarkdown } from './markdown.ts';
import { comparisonLines } from './savings-human.ts';

function sidesLine(r: CompareResult): { base: string; head: string } {
  return {
    base: `${r.sides.base}: ${r.base.build.toolchain}, profile ${r.base.build.profile}`,
    head: `${r.sides.head}: ${r.head.build.toolchain}, profile ${r.head.build.profile}`,
  };
}

export function renderCompareHuman(r: CompareResult, c: Colors, width?: number): string {
  const s = sidesLine(r);
  const out = [`${c.bold('asyncbloat compare')}`, `  base: ${s.base}`, `  head: ${s.head}`];
  out.push(...comparisonLines(r.comparison, c, width, 'base \u2192 head'));
  out.push('', ...goalComparison(r));
  return `${out.join('\n')}\n`;
}

/**
 * The goal rows estimated on each side, beside the measured change above them: a toolchain with one of the
 * changes shows the estimate shrink where the measurement moved.
 */
function goalComparison(r: CompareResult): string[] {
  const rows = r.goals.base
    .map((b, k) => ({ b, h: r.goals.head[k]! }))
    .filter(({ b, h }) => b.items > 0 || h.items > 0);
  if (rows.length === 0) return [];
  const text = r.comparison.crates.map((k) => `${k.name} .text ${formatDelta(k.textBytes)}`).join(', ');
  return [
    `What the async compiler goals would save, estimated on each side (measured: ${text || 'no linked artifact'}):`,
    ...rows.map(({ b, h }) => `  ${b.goal}, ${b.title}: base ${goalAmounts(b)}; head ${goalAmounts(h)}`),
  ];
}

const ROW_METRICS = ['futureBytes', 'states', 'mirLines', 'pollBytes', 'codeBytes', 'panicBytes'] as const;
const HEADINGS = ['future', 'states', 'MIR lines', 'poll fn', 'code', 'panic sites (est.)'];

export function renderCompareMarkdown(r: CompareResult): string {
  const s = sidesLine(r);
  const cell = (x: string) => escapeMarkdown(x);
  const out = [
    '### asyncbloat compare',
    '',
    `- base: ${cell(s.base)}`,
    `- head: ${cell(s.head)}`,
    '',
    ...r.comparison.crates.map(
      (k) =>
        `**${cell(k.name)}**: root futures ${cell(formatDelta(k.rootFutureBytes))}, async code ${cell(formatDelta(k.asyncCodeBytes))}, .text ${cell(formatDelta(k.textBytes))}`,
    ),
    '',
    `| | item | ${HEADINGS.join(' | ')} |`,
    `|---|---|${HEADINGS.map(() => '--:').join('|')}|`,
    ...r.comparison.items.map(
      (i) =>
        `| ${cell(STATUS_MARK[i.status].trim())} | ${cell(i.name)} | ${ROW_METRICS.map((m) => cell(formatDelta(i[m], m === 'states' || m === 'mirLines' ? '' : ' B'))).join(' | ')} |`,
    ),
    '',
    ...goalComparison(r).map((l, k) => (k === 0 ? `**${cell(l)}**\n` : `- ${cell(l.trim())}`)),
    '',
    ...r.comparison.warnings.map((w) => `> ${cell(w)}`),
  ];
  return `${out.join('\n')}\n`;
}

export function renderCompareHtml(r: CompareResult): string {
  const s = sidesLine(r);
  const td = (x: string, num = false) => `<td${num ? ' class="num"' : ''}>${escapeHtml(x)}</td>`;
  const crates = r.comparison.crates
    .map(
      (k) =>
        `<tr>${td(k.name)}${td(formatDelta(k.rootFutureBytes), true)}${td(formatDelta(k.asyncCodeBytes), true)}${td(formatDelta(k.textBytes), true)}</tr>`,
    )
    .join('');
  const items = r.comparison.items
    .map(
      (i) =>
        `<tr data-status="${i.status}">${td(STATUS_MARK[i.status])}${td(i.name)}${ROW_METRICS.map((m) => td(formatDelta(i[m], m === 'states' || m === 'mirLines' ? '' : ' B'), true)).join('')}</tr>`,
    )
    .join('\n');
  return staticPage(
    'asyncbloat compare',
    `<header><h1>asyncbloat compare</h1><p class="muted">base: ${escapeHtml(s.base)}<br>head: ${escapeHtml(s.head)}</p></header>
${r.comparison.warnings.map((w) => `<p class="notice">warning: ${escapeHtml(w)}</p>`).join('')}
<section id="crates"><h2>Crates</h2><table><thead><tr><th>crate</th><th class="num">root futures</th><th class="num">async code</th><th class="num">.text</th></tr></thead><tbody>${crates}</tbody></table></section>
<section id="items"><h2>Items that changed</h2><table class="items"><thead><tr><th></th><th>item</th>${HEADINGS.map((h) => `<th class="num">${h}</th>`).join('')}</tr></thead><tbody>
${items}
</tbody></table></section>`,
  );
}
