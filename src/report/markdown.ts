// `--format markdown`: a compact pull-request comment. One summary line, the top items in a table, then the
// findings. Names and messages come from the crate, so every piece of them is escaped for GitHub Markdown.

import { runtimeCodeBytes } from '../measure/code-parts.ts';
import { goalEstimate } from '../measure/goal-estimate.ts';
import type { AnalysisReport, AnalyzedItem, ScanReport } from '../model/report.ts';
import { compareText } from '../text-order.ts';
import { BOX_ESTIMATE_NOTE, boxAdviceLine } from './box-text.ts';
import { describeBuild } from './build-line.ts';
import { goalMarkdown } from './goal-rows.ts';
import { type AnchorItem, itemFragments } from './html/anchor.ts';
import { reportFindings } from './sarif.ts';
import { pollStackCell, showsStackColumn, stackNotes } from './stack-text.ts';
import {
  biggestTaskNote,
  DERIVED_NOTE,
  poolCell,
  STATIC_FUTURES_HEAD,
  slotCell,
  staticFutureRows,
  staticFuturesHeadline,
  taskHeadline,
} from './task-text.ts';
import { codeCell, formatBytes, runtimeCell } from './text-table.ts';

export interface MarkdownOptions {
  /** Rows in the items table (default 10). */
  top?: number;
  /** URL of the HTML report of the same run: each item name links to it (`URL#item=crate::path`). */
  htmlLink?: string;
}

/** An item name, linked to its place in the HTML report when there is one. */
type NameCell = (item: { name: string }) => string;

function nameCells(items: AnchorItem[], htmlLink: string | undefined): NameCell {
  if (!htmlLink) return (i) => escapeMarkdown(i.name);
  const all = itemFragments(items);
  const fragments = new Map(items.map((i, k) => [i, all[k]!]));
  const url = htmlLink.replace(/#.*$/, '').replace(/[()\s]/g, (c) => encodeURIComponent(c));
  return (i) => {
    const fragment = fragments.get(i as AnchorItem);
    return fragment ? `[${escapeMarkdown(i.name)}](${url}#${fragment})` : escapeMarkdown(i.name);
  };
}

/**
 * Backslash-escapes what GitHub Markdown would interpret inside a line of text or a table cell: emphasis, code,
 * links, HTML, tables (`|`), strikethrough, entities (`&`). Newlines become spaces so a cell stays one cell.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/[\\`*_{}[\]()<>|~&#!]/g, '\\$&');
}

/**
 * Messages write names as `code`: those parts become code spans (literal in Markdown, and free of backticks
 * because the text is split on them), the rest is escaped text.
 */
export function inlineMarkdown(text: string): string {
  return text
    .split('`')
    .map((part, k) =>
      k % 2 === 1 && part.length > 0 ? `\`${part.replace(/\r?\n/g, ' ')}\`` : escapeMarkdown(part),
    )
    .join('');
}

/**
 * The async code of all crates and the `.text` it is a share of. The analysis measures one artifact
 * (report.build.artifact) and every crate's `textBytes` is that artifact's `.text`: crates linked into the same
 * binary (a workspace's library and the cdylib using it) share it, so it is counted once, not per crate.
 */
export function asyncTextShare(report: AnalysisReport): { asyncCodeBytes: number; textBytes: number } | null {
  const measured = report.crates.filter((c) => c.textBytes);
  if (measured.length === 0) return null;
  return {
    asyncCodeBytes: measured.reduce((s, c) => s + (c.asyncCodeBytes ?? 0), 0),
    textBytes: Math.max(...measured.map((c) => c.textBytes ?? 0)),
  };
}

function heldMax(i: AnalyzedItem): number | null {
  return i.heldAcrossAwait.length ? Math.max(...i.heldAcrossAwait.map((h) => h.bytes)) : null;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function location(file: string | undefined, line: number | undefined): string {
  return file ? escapeMarkdown(`${file}:${line ?? '?'}`) : '(macro-generated)';
}

function perRule(report: AnalysisReport | ScanReport): string {
  const counts = new Map<string, number>();
  for (const f of reportFindings(report)) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
    .map(([rule, n]) => `${escapeMarkdown(rule)} ×${n}`)
    .join(', ');
}

function analysisTable(report: AnalysisReport, top: number, name: NameCell): string[] {
  const items = [...report.items].sort((a, b) => (b.futureBytes ?? -1) - (a.futureBytes ?? -1)).slice(0, top);
  // `code` is null (not absent) in JSON documents when no artifact was measured.
  const hasCode = items.some((i) => i.code);
  const hasRuntime = items.some((i) => i.code && runtimeCodeBytes(i.code) > 0);
  const hasStack = showsStackColumn(items);
  const head = [
    'future',
    'states',
    'held across await (max)',
    ...(hasCode ? ['code'] : []),
    ...(hasRuntime ? ['generic code'] : []),
    ...(hasStack ? ['poll stack'] : []),
    'item',
    'location',
  ];
  const lines = [row(head), row(head.map((_, k) => (k < head.length - 2 ? '---:' : '---')))];
  for (const i of items) {
    const code = codeCell(i.code);
    lines.push(
      row([
        formatBytes(i.futureBytes),
        i.states === null ? '-' : String(i.states),
        formatBytes(heldMax(i)),
        ...(hasCode ? [code] : []),
        ...(hasRuntime ? [runtimeCell(i.code ?? undefined)] : []),
        ...(hasStack ? [pollStackCell(i)] : []),
        name(i),
        location(i.file, i.line),
      ]),
    );
  }
  return lines;
}

function scanTable(report: ScanReport, top: number, name: NameCell): string[] {
  const findings = new Map<string, number>();
  for (const f of report.findings) if (f.item) findings.set(f.item, (findings.get(f.item) ?? 0) + 1);
  const items = [...report.items]
    .sort((a, b) => (findings.get(b.name) ?? 0) - (findings.get(a.name) ?? 0) || b.awaits - a.awaits)
    .slice(0, top);
  const lines = [row(['awaits', 'findings', 'item', 'location']), row(['---:', '---:', '---', '---'])];
  for (const i of items) {
    lines.push(row([String(i.awaits), String(findings.get(i.name) ?? 0), name(i), location(i.file, i.line)]));
  }
  return lines;
}

export function renderMarkdown(report: AnalysisReport | ScanReport, opts: MarkdownOptions = {}): string {
  const top = opts.top ?? 10;
  const findings = reportFindings(report);
  const isAnalysis = 'build' in report;
  const parts: string[] = [];
  let summary = `**asyncbloat**: ${report.items.length} async item${report.items.length === 1 ? '' : 's'}`;
  if (isAnalysis) {
    const total = report.items.reduce((s, i) => s + (i.futureBytes ?? 0), 0);
    // Summed over items: a future awaited by another is counted in its awaiter too (not memory).
    summary += `, ${formatBytes(total)} of futures summed over items`;
    const share = asyncTextShare(report);
    if (share) {
      const { asyncCodeBytes: code, textBytes: text } = share;
      summary += `, async code ${formatBytes(code)} (${((100 * code) / text).toFixed(1)}% of .text)`;
    }
  } else {
    summary += ' (source scan; run `asyncbloat analyze` for sizes)';
  }
  summary += findings.length
    ? `, ${findings.length} finding${findings.length === 1 ? '' : 's'} (${perRule(report)})`
    : ', no findings';
  parts.push(summary);
  if (isAnalysis) {
    parts.push(`<sub>${escapeMarkdown(describeBuild(report.build))}</sub>`);
    for (const u of report.unparsed) {
      parts.push(
        `> [!WARNING]\n> ${u.count} line(s) of ${escapeMarkdown(u.source)} could not be parsed; first: ${escapeMarkdown(JSON.stringify(u.example))}`,
      );
    }
  }
  if (report.items.length > 0) {
    const name = nameCells(report.items, opts.htmlLink);
    const lines = isAnalysis ? analysisTable(report, top, name) : scanTable(report, top, name);
    const shown = Math.min(top, report.items.length);
    parts.push(
      lines.join('\n') +
        (shown < report.items.length ? `\n\n_Top ${shown} of ${report.items.length} items._` : ''),
    );
  }
  if (isAnalysis) {
    const notes = stackNotes(report, report.items);
    if (notes.length > 0) parts.push(notes.map((n) => `_${escapeMarkdown(n)}_`).join('\n'));
    const tasks = taskMarkdown(report);
    if (tasks) parts.push(tasks);
    const statics = staticFuturesMarkdown(report);
    if (statics) parts.push(statics);
    const advice = report.items.flatMap((i) => boxAdviceLine(i) ?? []);
    if (advice.length > 0)
      parts.push(
        [
          '**Where to `Box::pin`**',
          '',
          ...advice.map((l) => `- ${inlineMarkdown(l)}`),
          '',
          `_${inlineMarkdown(BOX_ESTIMATE_NOTE)}_`,
        ].join('\n'),
      );
    const goals = goalMarkdown(goalEstimate(report), escapeMarkdown);
    if (goals.length > 0) parts.push(goals.join('\n'));
  }
  if (findings.length > 0) {
    parts.push(
      [
        '**Findings**',
        '',
        ...findings.map(
          (f) =>
            `- ${f.severity === 'error' ? '❌' : '⚠️'} ${escapeMarkdown(`${f.file}:${f.line}`)} **${escapeMarkdown(f.rule)}**: ${inlineMarkdown(f.message)}`,
        ),
      ].join('\n'),
    );
  }
  return `${parts.join('\n\n')}\n`;
}

/** Statics other than task pools that hold a future. */
function staticFuturesMarkdown(report: AnalysisReport): string | undefined {
  const headline = staticFuturesHeadline(report);
  if (!headline) return undefined;
  const [title, rest] = headline.split(': ');
  return [
    `**${escapeMarkdown(title!)}**: ${escapeMarkdown(rest!)}`,
    '',
    row(STATIC_FUTURES_HEAD),
    row(['---:', '---', '---', '---', '---']),
    ...staticFutureRows(report).map((r) =>
      row([r[0]!, escapeMarkdown(r[1]!), `\`${r[2]}\``, `\`${r[3]}\``, escapeMarkdown(r[4]!)]),
    ),
  ].join('\n');
}

/** The "RAM per task" section: a table of the task statics, the total and the biggest task. */
function taskMarkdown(report: AnalysisReport): string | undefined {
  const headline = taskHeadline(report);
  if (!headline) return undefined;
  const tasks = report.tasks!;
  const lines = [
    `**${escapeMarkdown(headline)}**`,
    '',
    row(['bytes', 'pool', 'slot (header + future + padding)', 'task', 'location']),
    row(['---:', '---:', '---:', '---', '---']),
    ...tasks.map((t) =>
      row([
        formatBytes(t.bytes),
        escapeMarkdown(poolCell(t)),
        slotCell(t),
        `\`${t.name}\``,
        location(t.file, t.line),
      ]),
    ),
  ];
  const biggest = biggestTaskNote(report);
  if (biggest) lines.push('', inlineMarkdown(biggest));
  if (tasks.some((t) => t.poolSizeSource === 'derived')) lines.push('', `_${inlineMarkdown(DERIVED_NOTE)}_`);
  return lines.join('\n');
}
