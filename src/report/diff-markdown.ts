// Markdown for pull-request comments: a ReportDiff (`diff --format markdown`) and a CheckResult
// (`check --format markdown`). GitHub caps comments at 65,536 characters, so long tables are cut with a count.
import type { CheckResult, Violation } from '../budget/check.ts';
import { formatCause, formatDelta } from '../budget/delta-text.ts';
import type { ReportDiff } from '../budget/diff.ts';
import {
  crateLines,
  formatCodeDelta,
  formatGenericCodeDelta,
  hasGenericCode,
  location,
  memoryLine,
  STATUS_MARK,
} from './diff-common.ts';

/** First line of every comment, so a workflow can find and update its previous comment. */
export const MARKDOWN_MARKER = '<!-- asyncbloat -->';
const MAX_ROWS = 100;

/** Inline code that survives backticks and table pipes in Rust paths (`impl Fn() -> T`, `{async block}`). */
export function mdCode(s: string): string {
  const ticks = s.includes('`') ? '``' : '`';
  const pad = ticks.length > 1 ? ' ' : '';
  return `${ticks}${pad}${s.replaceAll('|', '\\|')}${pad}${ticks}`;
}

const cell = (s: string) => s.replaceAll('|', '\\|');

/** Free text (finding messages, reasons): `<`/`>` outside code spans would be read as HTML tags by GitHub. */
export function mdText(s: string): string {
  return s
    .replaceAll('\n', ' ')
    .split('`')
    .map((part, i) => (i % 2 === 0 ? part.replaceAll('<', '&lt;').replaceAll('>', '&gt;') : part))
    .join('`');
}

export function renderDiffMarkdown(diff: ReportDiff): string {
  const out = [MARKDOWN_MARKER, '### asyncbloat: async cost diff', '', `**${diff.summary}**`];
  for (const w of diff.warnings) out.push('', `> [!WARNING]\n> ${w}`);
  const memory = memoryLine(diff);
  if (memory) out.push('', memory);
  const crates = crateLines(diff);
  if (crates.length > 0) out.push('', ...crates.map((l) => `- ${l}`));
  const shown = diff.items.filter((i) => i.status !== 'unchanged');
  if (shown.length > 0) {
    // `code` is the item's own code and `generic code` what is instantiated for its type, as in analyze.
    const generic = hasGenericCode(shown.slice(0, MAX_ROWS));
    out.push(
      '',
      `| | item | future | states | held across await | code |${generic ? ' generic code |' : ''} panic sites |`,
      `|---|---|--:|--:|--:|--:|${generic ? '--:|' : ''}--:|`,
    );
    for (const i of shown.slice(0, MAX_ROWS)) {
      out.push(
        `| ${STATUS_MARK[i.status] === ' ' ? '' : cell(STATUS_MARK[i.status])} | ${mdCode(i.name)} | ${[
          formatDelta(i.futureBytes),
          formatDelta(i.states, ''),
          formatDelta(i.heldBytes),
          formatCodeDelta(i),
          ...(generic ? [formatGenericCodeDelta(i)] : []),
          formatDelta(i.panicSites, ''),
        ]
          .map(cell)
          .join(' | ')} |`,
      );
    }
    if (shown.length > MAX_ROWS) out.push('', `…and ${shown.length - MAX_ROWS} more changed items.`);
    const grown = shown.filter((i) => i.grew.length > 0);
    if (grown.length > 0) {
      out.push('', '<details open><summary>What grew inside the futures</summary>', '');
      for (const i of grown.slice(0, MAX_ROWS)) {
        const where = location(i.file, i.line);
        out.push(`- ${mdCode(i.name)}${where ? ` (${where})` : ''}:`);
        for (const c of i.grew.slice(0, 5)) out.push(`  - ${formatCause(c, mdCode)}`);
      }
      out.push('', '</details>');
    }
  }
  const list = (title: string, fs: ReportDiff['findings']['new']) => {
    if (fs.length === 0) return;
    out.push('', `<details><summary>${title} (${fs.length})</summary>`, '');
    for (const f of fs.slice(0, MAX_ROWS))
      out.push(`- \`${f.rule}\` ${location(f.file, f.line)}: ${mdText(f.message)}`);
    out.push('', '</details>');
  };
  list('New findings', diff.findings.new);
  list('Fixed findings', diff.findings.fixed);
  return `${out.join('\n')}\n`;
}

function violationLine(v: Violation): string {
  const where = location(v.file, v.line);
  return `- **${v.budget === 'rule' ? v.rule : v.budget}**${where ? ` ${where}` : ''}: ${mdText(v.message)}`;
}

export function renderCheckMarkdown(result: CheckResult): string {
  const icon = result.passed ? '✅' : '❌';
  const out = [MARKDOWN_MARKER, `### asyncbloat check ${icon}`, '', `**${result.summary}**`];
  // Broken budgets and error-level rule findings apart: one is fixed by shrinking a future, the other by a rewrite.
  const budgets = result.violations.filter((v) => v.budget !== 'rule');
  const rules = result.violations.filter((v) => v.budget === 'rule');
  if (budgets.length > 0) {
    out.push('', '#### Budgets exceeded', '');
    out.push(...budgets.slice(0, MAX_ROWS).map(violationLine));
    if (budgets.length > MAX_ROWS) out.push('', `…and ${budgets.length - MAX_ROWS} more.`);
  }
  if (rules.length > 0) {
    out.push('', '#### Rule findings at error level', '');
    out.push(...rules.slice(0, MAX_ROWS).map(violationLine));
    if (rules.length > MAX_ROWS) out.push('', `…and ${rules.length - MAX_ROWS} more.`);
  }
  if (result.warnings.length > 0) {
    out.push('', `<details><summary>Warnings (${result.warnings.length})</summary>`, '');
    out.push(...result.warnings.slice(0, MAX_ROWS).map(violationLine), '', '</details>');
  }
  if (result.suppressed.length > 0) {
    out.push('', `<details><summary>Suppressed (${result.suppressed.length})</summary>`, '');
    for (const s of result.suppressed.slice(0, MAX_ROWS)) {
      out.push(
        `- ${s.violation.item ? mdCode(s.violation.item) : ''} ${s.violation.budget === 'rule' ? s.violation.rule : s.violation.budget} — ${s.via}: ${mdText(s.reason)}`,
      );
    }
    out.push('', '</details>');
  }
  for (const n of result.notes) out.push('', `> ${n}`);
  if (result.diff)
    out.push('', renderDiffMarkdown(result.diff).replace(`${MARKDOWN_MARKER}\n`, '').trimEnd());
  return `${out.join('\n')}\n`;
}
