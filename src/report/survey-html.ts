// `survey --format html`: one static page (no script; the reports' CSP) with the survey table and two
// plots drawn as inline SVG: the distribution of future sizes over all items (power-of-two bins, since sizes
// span bytes to kilobytes) and each crate's root futures.
import type { SurveySummary } from '../survey/aggregate.ts';
import { escapeHtml } from './html/render.ts';
import { staticPage } from './html/static-page.ts';
import { GOAL_TITLES } from './survey.ts';
import { formatBytes } from './text-table.ts';

/** Counts per power-of-two bin: bin k holds sizes in [2^k, 2^(k+1)); sizes 0 and 1 go to bin 0. */
export function sizeBins(sizes: number[]): { from: number; count: number }[] {
  if (sizes.length === 0) return [];
  const bin = (n: number) => (n <= 1 ? 0 : Math.floor(Math.log2(n)));
  const top = Math.max(...sizes.map(bin));
  const counts = new Array<number>(top + 1).fill(0);
  for (const s of sizes) counts[bin(s)]!++;
  return counts.map((count, k) => ({ from: 2 ** k, count }));
}

function histogram(bins: { from: number; count: number }[]): string {
  if (bins.length === 0) return '<p class="muted">No future sizes.</p>';
  const w = 720;
  const h = 220;
  const bw = Math.floor((w - 40) / bins.length);
  const max = Math.max(...bins.map((b) => b.count));
  const bars = bins
    .map((b, k) => {
      const bh = max === 0 ? 0 : Math.round(((h - 50) * b.count) / max);
      const x = 30 + k * bw;
      return (
        `<g class="bin" data-from="${b.from}" data-count="${b.count}"><rect x="${x}" y="${h - 30 - bh}" width="${bw - 2}" height="${bh}" fill="#4e79a7"><title>${escapeHtml(`${formatBytes(b.from)}–${formatBytes(b.from * 2 - 1)}: ${b.count} items`)}</title></rect>` +
        (b.count > 0
          ? `<text x="${x + (bw - 2) / 2}" y="${h - 34 - bh}" text-anchor="middle">${b.count}</text>`
          : '') +
        (k % 2 === 0 ? `<text x="${x}" y="${h - 12}">${escapeHtml(formatBytes(b.from))}</text>` : '') +
        '</g>'
      );
    })
    .join('');
  return `<svg class="plot histogram" role="img" aria-label="future sizes of all items" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">${bars}</svg>`;
}

function rootBars(s: SurveySummary): string {
  const rows = s.crates
    .filter((c) => c.rootFutureBytes !== null)
    .sort((a, b) => b.rootFutureBytes! - a.rootFutureBytes!);
  if (rows.length === 0) return '<p class="muted">No root futures.</p>';
  const max = rows[0]!.rootFutureBytes!;
  const rh = 18;
  const w = 720;
  const bars = rows
    .map((c, k) => {
      const bw = Math.max(1, Math.round(((w - 260) * c.rootFutureBytes!) / Math.max(1, max)));
      const y = k * rh;
      return `<g class="crate-bar" data-crate="${escapeHtml(c.crate)}"><text x="0" y="${y + 13}">${escapeHtml(`${c.crate} ${c.version}`)}</text><rect x="200" y="${y + 3}" width="${bw}" height="${rh - 6}" fill="#f28e2b"></rect><text x="${206 + bw}" y="${y + 13}">${escapeHtml(formatBytes(c.rootFutureBytes))}</text></g>`;
    })
    .join('');
  return `<svg class="plot roots" role="img" aria-label="root futures per crate" viewBox="0 0 ${w} ${rows.length * rh}" width="${w}" height="${rows.length * rh}">${bars}</svg>`;
}

export function renderSurveyHtml(s: SurveySummary, itemSizes: number[]): string {
  const cell = (x: string, num = false) => `<td${num ? ' class="num"' : ''}>${escapeHtml(x)}</td>`;
  const rows = s.crates
    .map(
      (c) =>
        `<tr>${cell(`${c.crate} ${c.version}`)}${cell(String(c.asyncItems), true)}${cell(formatBytes(c.rootFutureBytes), true)}${cell(formatBytes(c.largestFutureBytes), true)}${cell(c.asyncTextShare === null ? '–' : `${(100 * c.asyncTextShare).toFixed(1)} %`, true)}${cell(String(c.goals['no-await'].items), true)}${cell(String(c.goals['single-await'].items), true)}</tr>`,
    )
    .join('\n');
  const failed = s.failed
    .map((f) => `<li><code>${escapeHtml(`${f.crate} ${f.version}`)}</code>: ${escapeHtml(f.error)}</li>`)
    .join('');
  const goals = (Object.keys(GOAL_TITLES) as (keyof typeof GOAL_TITLES)[])
    .map((id) => {
      const g = s.totals.goals[id];
      return `<tr data-goal="${id}">${cell(GOAL_TITLES[id])}${cell(String(g.items), true)}${cell(formatBytes(g.codeBytes), true)}${cell(formatBytes(g.futureBytes), true)}${cell(g.states === null ? '–' : String(g.states), true)}</tr>`;
    })
    .join('');
  return staticPage(
    'asyncbloat survey',
    `<header><h1>asyncbloat survey: ${s.totals.crates} crates</h1><p class="muted">${escapeHtml(s.builds.join(' · '))}</p></header>
<section id="sizes"><h2>Future sizes of all ${itemSizes.length} items</h2>${histogram(sizeBins(itemSizes))}</section>
<section id="roots"><h2>Root futures per crate</h2>${rootBars(s)}</section>
<section id="crates"><h2>Crates</h2><table class="items"><thead><tr><th>crate</th><th class="num">async items</th><th class="num">root futures</th><th class="num">largest</th><th class="num">async share of .text</th><th class="num">no-await</th><th class="num">wrappers</th></tr></thead><tbody>
${rows}
</tbody></table></section>
<section id="goals"><h2>What the async compiler goals would save over these crates (estimated)</h2><table><thead><tr><th>goal</th><th class="num">items</th><th class="num">code</th><th class="num">futures</th><th class="num">states</th></tr></thead><tbody>${goals}</tbody></table></section>
${failed ? `<section id="failed"><h2>Did not build (${s.failed.length})</h2><ul>${failed}</ul></section>` : ''}`,
    ' svg.plot text { font: 11px ui-monospace, "DejaVu Sans Mono", monospace; fill: #1b1f24; }',
  );
}
