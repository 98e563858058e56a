// `asyncbloat survey` as text: one row per crate, the failures with their first error, totals and
// distributions, then what the async compiler goals would save over all surveyed crates.
import type { GoalRowId } from '../measure/goal-estimate.ts';
import type { Distribution, SurveySummary } from '../survey/aggregate.ts';
import { escapeMarkdown } from './markdown.ts';
import { formatBytes, textTable } from './text-table.ts';

const GOAL_TITLES: Record<GoalRowId, string> = {
  'async-panic': 'goals#623 (1) no panic on a finished future',
  'no-await': 'goals#623 (2) no state machine without .await',
  'single-await': 'goals#623 (3) single-await futures collapsed',
  'merge-awaits': 'goals#623 (4) identical awaits merged',
  'pack-args': 'goals#622 arguments stored once',
};

const share = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)} %`);
const dist = (d: Distribution, bytes: boolean) => {
  const f = (n: number | null) => (bytes ? formatBytes(n) : n === null ? '-' : String(n));
  return `median ${f(d.median)}, p90 ${f(d.p90)}, max ${f(d.max)} (n=${d.count})`;
};

function goalCell(c: SurveySummary['totals']['goals'][GoalRowId]): string {
  const parts = [
    c.codeBytes !== null ? `${formatBytes(c.codeBytes)} code` : '',
    c.futureBytes !== null ? `${formatBytes(c.futureBytes)} futures` : '',
    c.states !== null ? `${c.states} states` : '',
  ].filter(Boolean);
  return `${c.items} items${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

export function renderSurveyHuman(s: SurveySummary, width?: number): string {
  const rows = s.crates.map((c) => [
    `${c.crate} ${c.version}`,
    String(c.asyncItems),
    formatBytes(c.rootFutureBytes),
    formatBytes(c.largestFutureBytes),
    share(c.asyncTextShare),
    String(c.goals['no-await'].items),
    String(c.goals['single-await'].items),
    formatBytes(c.goals['pack-args'].futureBytes),
  ]);
  const header = [
    'crate',
    'async items',
    'root futures',
    'largest',
    'async share',
    'no-await',
    'wrappers',
    'args twice',
  ];
  const out = [`asyncbloat survey: ${s.totals.crates} crates analysed, ${s.totals.failed} did not build`];
  for (const b of s.builds) out.push(`built with ${b}`);
  if (s.builds.length > 1)
    out.push('warning: the results come from different toolchains or profiles: compare with care');
  out.push(
    '',
    textTable(header, rows, ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'], width),
  );
  if (s.failed.length > 0) {
    out.push('', 'did not build:');
    for (const f of s.failed) out.push(`  ${f.crate} ${f.version}: ${f.error}`);
  }
  out.push(
    '',
    `totals: ${s.totals.asyncItems} async items, ${formatBytes(s.totals.rootFutureBytes)} of root futures`,
    `root futures per crate: ${dist(s.distributions.rootFutureBytes, true)}`,
    `async items per crate: ${dist(s.distributions.asyncItems, false)}`,
    `future size per item: ${dist(s.distributions.itemFutureBytes, true)}`,
    '',
    'What the async compiler goals would save over these crates (estimated; see `analyze` for each method):',
    ...(Object.keys(GOAL_TITLES) as GoalRowId[]).map(
      (id) => `  ${GOAL_TITLES[id]}: ${goalCell(s.totals.goals[id])}`,
    ),
  );
  return `${out.join('\n')}\n`;
}

export function renderSurveyMarkdown(s: SurveySummary): string {
  const out = [
    `**asyncbloat survey**: ${s.totals.crates} crates analysed, ${s.totals.failed} did not build; ${s.totals.asyncItems} async items, ${formatBytes(s.totals.rootFutureBytes)} of root futures`,
    '',
    ...s.builds.map((b) => `<sub>${escapeMarkdown(b)}</sub>`),
    '',
    '| crate | async items | root futures | largest future | async share of .text | no-await | single-await wrappers | args stored twice |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...s.crates.map(
      (c) =>
        `| ${escapeMarkdown(`${c.crate} ${c.version}`)} | ${c.asyncItems} | ${formatBytes(c.rootFutureBytes)} | ${formatBytes(c.largestFutureBytes)} | ${share(c.asyncTextShare)} | ${c.goals['no-await'].items} | ${c.goals['single-await'].items} | ${formatBytes(c.goals['pack-args'].futureBytes)} |`,
    ),
    '',
    `- root futures per crate: ${dist(s.distributions.rootFutureBytes, true)}`,
    `- async items per crate: ${dist(s.distributions.asyncItems, false)}`,
    `- future size per item: ${dist(s.distributions.itemFutureBytes, true)}`,
    '',
    '**What the async compiler goals would save over these crates** (estimated)',
    '',
    ...(Object.keys(GOAL_TITLES) as GoalRowId[]).map(
      (id) => `- ${escapeMarkdown(GOAL_TITLES[id])}: ${goalCell(s.totals.goals[id])}`,
    ),
  ];
  if (s.failed.length > 0) {
    out.push(
      '',
      '**Did not build**',
      '',
      ...s.failed.map((f) => `- ${escapeMarkdown(`${f.crate} ${f.version}`)}: ${escapeMarkdown(f.error)}`),
    );
  }
  return `${out.join('\n')}\n`;
}

export { GOAL_TITLES };
