// Terminal rendering of a CheckResult, rustc-style: one `error[budget]:` block per broken budget.

import type { CheckResult, Violation } from '../budget/check.ts';
import { formatCause } from '../budget/delta-text.ts';
import type { Colors } from './colors.ts';
import { location } from './diff-common.ts';
import { renderDiffHuman } from './diff-human.ts';

function block(v: Violation, c: Colors): string[] {
  const head = v.level === 'error' ? c.red(c.bold('error')) : c.yellow(c.bold('warning'));
  const name = v.budget === 'rule' ? v.rule : v.budget;
  // The message already carries the growth in one line; list the causes one per line for the terminal.
  const message = v.message.split('; grew: ')[0];
  const lines = [`${head}${c.bold(`[${name}]`)}: ${message}`];
  const where = location(v.file, v.line);
  if (where) lines.push(`  ${c.blue('-->')} ${where}`);
  for (const cause of v.grew) lines.push(`  ${c.blue('=')} grew: ${formatCause(cause, (s) => c.cyan(s))}`);
  if (v.finding?.help) lines.push(`  ${c.blue('=')} help: ${v.finding.help}`);
  return lines;
}

export function renderCheckHuman(result: CheckResult, c: Colors): string {
  // Sections separated by one blank line: each violation, then suppressed + notes, the diff, the verdict.
  const sections: string[] = [...result.violations, ...result.warnings].map((v) => block(v, c).join('\n'));
  const quiet = [
    ...result.suppressed.map((s) => {
      const name = s.violation.budget === 'rule' ? s.violation.rule : s.violation.budget;
      return `${c.dim('suppressed')} [${name}] ${s.violation.item ?? ''} (${s.via}): ${s.reason}`;
    }),
    ...result.notes.map((n) => `${c.dim('note')}: ${n}`),
  ];
  if (quiet.length > 0) sections.push(quiet.join('\n'));
  const diff = result.diff;
  if (diff?.items.some((i) => i.status !== 'unchanged')) sections.push(renderDiffHuman(diff, c).trimEnd());
  const verdict = result.passed ? c.green('check passed') : c.red('check failed');
  sections.push(`${c.bold(verdict)}: ${result.summary}`);
  return `${sections.join('\n\n')}\n`;
}
