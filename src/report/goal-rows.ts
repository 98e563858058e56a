// The "what the compiler work would save" section (measure/goal-estimate.ts) as text: one line per row with
// items, in the terminal and in Markdown. Each says it is an estimate, with how it was made.
import type { GoalEstimate, GoalRow } from '../measure/goal-estimate.ts';
import { formatBytes } from './text-table.ts';

export const GOAL_HEADING = 'What the async compiler goals would save here (estimated from this build)';

/** `14 items: 351 B of code, 2 states` — what a row counts; the parts not measured are left out. */
export function goalAmounts(r: GoalRow): string {
  const parts = [
    r.codeBytes !== null ? `${formatBytes(r.codeBytes)} of code` : '',
    r.futureBytes !== null ? `${formatBytes(r.futureBytes)} of futures` : '',
    r.states !== null ? `${r.states} state${r.states === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return `${r.items} item${r.items === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** The section as a Markdown table with each row's method, folded, for a pull-request comment. */
export function goalMarkdown(est: GoalEstimate, escapeText: (s: string) => string): string[] {
  const rows = est.total.filter((r) => r.items > 0);
  if (rows.length === 0) return [];
  const cell = (n: number | null, bytes: boolean) => (n === null ? '–' : bytes ? formatBytes(n) : String(n));
  return [
    `<details><summary>${escapeText(GOAL_HEADING)}</summary>`,
    '',
    '| goal | change | items | code | futures | states | how |',
    '|---|---|--:|--:|--:|--:|---|',
    ...rows.map(
      (r) =>
        `| ${escapeText(r.goal)} | ${escapeText(r.title)} | ${r.items} | ${cell(r.codeBytes, true)} | ${cell(r.futureBytes, true)} | ${cell(r.states, false)} | ${r.basis}: ${escapeText(r.method)} |`,
    ),
    '',
    '</details>',
  ];
}

/** The rows that count something, for the terminal. */
export function goalLines(est: GoalEstimate): string[] {
  const rows = est.total.filter((r) => r.items > 0);
  if (rows.length === 0) return [];
  return [`${GOAL_HEADING}:`, ...rows.map((r) => `  ${r.goal}, ${r.title}: ${goalAmounts(r)} (${r.basis})`)];
}
