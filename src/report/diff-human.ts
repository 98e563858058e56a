// Terminal rendering of a ReportDiff (`asyncbloat diff`, `analyze --baseline`): changed, added and removed
// items as a table, what grew inside each grown future, then new and fixed findings.

import { formatCause, formatDelta } from '../budget/delta-text.ts';
import type { ReportDiff } from '../budget/diff.ts';
import type { Colors } from './colors.ts';
import {
  crateLines,
  formatCodeDelta,
  formatGenericCodeDelta,
  hasGenericCode,
  location,
  memoryLine,
  STATUS_MARK,
} from './diff-common.ts';
import { textTable } from './text-table.ts';

export function renderDiffHuman(diff: ReportDiff, c: Colors, width?: number): string {
  const out: string[] = [`${c.bold('asyncbloat diff')}: ${diff.summary}`];
  for (const w of diff.warnings) out.push(`${c.yellow('warning')}: ${w}`);
  const memory = memoryLine(diff);
  if (memory) out.push(memory);
  for (const line of crateLines(diff)) out.push(line);
  const shown = diff.items.filter((i) => i.status !== 'unchanged');
  if (shown.length > 0) {
    const colour = (s: string, status: string) =>
      status === 'added' ? c.green(s) : status === 'removed' ? c.red(s) : s;
    // `code` is the item's own code and `generic code` what is instantiated for its type, as in analyze.
    const generic = hasGenericCode(shown);
    const rows = shown.map((i) => [
      colour(STATUS_MARK[i.status], i.status),
      i.name,
      i.crate,
      formatDelta(i.futureBytes),
      formatDelta(i.states, ''),
      formatDelta(i.heldBytes),
      formatCodeDelta(i),
      ...(generic ? [formatGenericCodeDelta(i)] : []),
      formatDelta(i.panicSites, ''),
    ]);
    const header = [
      '',
      'item',
      'crate',
      'future',
      'states',
      'held across await',
      'code',
      ...(generic ? ['generic code'] : []),
      'panic sites',
    ];
    const align = header.map((_, k) => (k < 3 ? 'left' : 'right') as 'left' | 'right');
    out.push('', textTable(header, rows, align, width));
    for (const i of shown.filter((x) => x.grew.length > 0)) {
      out.push('', `${c.bold(i.name)} (${location(i.file, i.line) || i.crate}) grew:`);
      for (const cause of i.grew) out.push(`  ${formatCause(cause, (s) => c.cyan(s))}`);
    }
  }
  const { new: added, fixed } = diff.findings;
  if (added.length > 0) {
    out.push('', c.bold(`new findings (${added.length}):`));
    for (const f of added) out.push(`  ${c.red('+')} ${location(f.file, f.line)} [${f.rule}] ${f.message}`);
  }
  if (fixed.length > 0) {
    out.push('', c.bold(`fixed findings (${fixed.length}):`));
    for (const f of fixed) out.push(`  ${c.green('-')} ${location(f.file, f.line)} [${f.rule}] ${f.message}`);
  }
  return `${out.join('\n')}\n`;
}
