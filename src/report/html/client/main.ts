// Entry of the report page's script (bundled to one IIFE and inlined into the HTML). Reads the embedded JSON,
// builds summary, treemap, table, detail view and findings, then, after the first paint, sets `data-ready` on
// <html> and the `asyncbloat-ready` performance mark (the benchmark and the browser tests wait for them).

import { itemFragments, itemOfFragment } from '../anchor.ts';
import { type Packed, unpack } from '../pack.ts';
import type { PageData } from '../page-data.ts';
import { detailView, findingView } from './detail.ts';
import { bytes, h, richText } from './dom.ts';
import { createTable } from './table.ts';
import { createTreemap } from './treemap.ts';

function card(label: string, value: string, note?: string): HTMLElement {
  return h(
    'div',
    { class: 'card' },
    h('div', { class: 'value' }, value),
    h('div', { class: 'label' }, label),
    note ? h('div', { class: 'note' }, note) : null,
  );
}

function summary(data: PageData): HTMLElement {
  const s = data.summary;
  const share =
    s.textBytes && s.asyncCodeBytes !== null
      ? `${((100 * s.asyncCodeBytes) / s.textBytes).toFixed(1)} %`
      : '–';
  const cards = h(
    'div',
    { class: 'cards' },
    card('async items', String(s.asyncItems)),
    ...(data.kind === 'scan'
      ? [card('future bytes', '–', 'run `asyncbloat analyze` for sizes')]
      : [
          card(
            'root futures',
            bytes(s.rootFutureBytes),
            'futures no other item awaits: what the program holds (the treemap’s top level)',
          ),
          card(
            'future bytes, all items',
            bytes(s.totalFutureBytes),
            'sum over all items (nested futures counted in their awaiters too)',
          ),
        ]),
    card(
      'async share of .text',
      share,
      s.textBytes ? `${bytes(s.asyncCodeBytes)} of ${bytes(s.textBytes)}` : 'needs a linked artifact',
    ),
    card('panic-path bytes', bytes(s.panicPathBytes)),
    card('findings', String(data.findings.length)),
  );
  const rules = h(
    'table',
    { class: 'rules' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, 'rule'), h('th', { class: 'num' }, 'findings'), h('th', {}, 'what it flags')),
    ),
  );
  const body = h('tbody');
  for (const r of s.findingsByRule)
    body.append(
      h(
        'tr',
        { 'data-rule': r.rule },
        h('td', {}, h('code', {}, r.rule)),
        h('td', { class: 'num' }, String(r.count)),
        h('td', {}, ...richText(r.description ?? '')),
      ),
    );
  rules.append(body);
  return h(
    'section',
    { class: 'summary', id: 'summary' },
    cards,
    s.findingsByRule.length ? rules : h('p', { class: 'muted' }, 'No findings.'),
  );
}

/** What the async compiler goals would save here: one row per work item, each with how it was estimated. */
function goalsSection(data: PageData): HTMLElement {
  const num = (n: number | null, asBytes: boolean) =>
    h('td', { class: 'num' }, asBytes ? bytes(n) : n === null ? '–' : String(n));
  const body = h('tbody');
  for (const r of data.goals)
    body.append(
      h(
        'tr',
        { 'data-goal': r.id },
        h('td', {}, r.goal),
        h('td', {}, r.title),
        num(r.items, false),
        num(r.codeBytes, true),
        num(r.futureBytes, true),
        num(r.states, false),
        h('td', { class: 'muted' }, `${r.basis}: ${r.method}`),
      ),
    );
  const head = ['goal', 'change', 'items', 'code', 'futures', 'states', 'how'];
  return h(
    'section',
    { id: 'goals' },
    h('h2', {}, 'What the async compiler goals would save here'),
    h('p', { class: 'muted' }, 'Estimated from this build; futures are summed over items.'),
    h(
      'table',
      { class: 'goals' },
      h(
        'thead',
        {},
        h('tr', {}, ...head.map((x, k) => h('th', k >= 2 && k <= 5 ? { class: 'num' } : {}, x))),
      ),
      body,
    ),
  );
}

/**
 * A section of static RAM (task pools, static futures): a headline, a table whose first `numeric` columns
 * are numbers, and notes under it.
 */
function staticRamSection(
  id: string,
  title: string,
  headline: string,
  head: string[],
  rows: string[][],
  numeric: number,
  notes: string[] = [],
): HTMLElement {
  const cls = (k: number) => (k < numeric ? { class: 'num' } : {});
  return h(
    'section',
    { id },
    h('h2', {}, title),
    h('p', {}, headline),
    h(
      'table',
      { class: 'tasks' },
      h('thead', {}, h('tr', {}, ...head.map((x, k) => h('th', cls(k), x)))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((cell, k) => h('td', cls(k), cell))))),
    ),
    ...notes.map((n) => h('p', { class: 'muted' }, n)),
  );
}

/** RAM per task: each task static with its pool and slot, the total and the biggest task. */
function tasksSection(tasks: NonNullable<PageData['tasks']>): HTMLElement {
  const head = ['bytes', 'pool', 'slot (header + future + padding)', 'task', 'location'];
  return staticRamSection('tasks', 'RAM per task', tasks.headline, head, tasks.rows, 3, tasks.notes);
}

/** Statics other than task pools that hold a future, under RAM per task. */
function staticFuturesSection(statics: NonNullable<PageData['staticFutures']>): HTMLElement {
  return staticRamSection(
    'static-futures',
    'Static futures',
    statics.headline,
    statics.head,
    statics.rows,
    1,
  );
}

function main(): void {
  performance.mark('asyncbloat-start');
  const data = unpack(
    JSON.parse(document.getElementById('asyncbloat-data')!.textContent!) as Packed,
  ) as PageData;
  performance.mark('asyncbloat-data');
  const app = document.getElementById('app')!;
  const detail = h('section', { class: 'detail-wrap', id: 'detail', hidden: '' });

  // The hash names the open item (`#item=crate::path`), so a link in a PR comment opens it; it follows the
  // user's navigation without adding a history entry per click.
  const fragments = itemFragments(data.items);
  const select = (item: number, scroll = true) => {
    table.select(item);
    detail.replaceChildren(detailView(data, item, (k) => select(k)));
    detail.hidden = false;
    if (location.hash !== `#${fragments[item]}`) history.replaceState(null, '', `#${fragments[item]}`);
    if (scroll) detail.scrollIntoView({ block: 'start' });
  };
  const table = createTable(data, (k) => select(k));

  app.append(
    h(
      'header',
      {},
      h('h1', {}, `asyncbloat — ${data.title}`),
      h(
        'p',
        { class: 'muted' },
        [data.root, data.build, `asyncbloat ${data.toolVersion}`].filter(Boolean).join(' · '),
      ),
    ),
  );
  if (data.notices.length)
    app.append(
      h(
        'section',
        { class: 'notices' },
        ...data.notices.map((n) => h('p', { class: 'notice' }, `warning: ${n.text}`)),
      ),
    );
  app.append(summary(data));
  if (data.kind === 'analysis') {
    const tm = createTreemap(data, (k, zoomed) => select(k, !zoomed));
    app.append(
      h(
        'section',
        { id: 'treemap' },
        h('h2', {}, 'Futures by size'),
        h(
          'p',
          { class: 'muted' },
          'Area is future size. The top level is the root futures (those no other item awaits); awaited futures are drawn inside their awaiter, not again beside it. Click a box to open it and zoom in; use the path above to zoom out.',
        ),
        tm.element,
      ),
    );
    tm.render();
  }
  app.append(h('section', { id: 'items' }, h('h2', {}, 'Async items'), table.element), detail);
  if (data.goals.length > 0) app.append(goalsSection(data));
  if (data.tasks) app.append(tasksSection(data.tasks));
  if (data.staticFutures) app.append(staticFuturesSection(data.staticFutures));
  const all = h('section', { id: 'findings' }, h('h2', {}, `Findings (${data.findings.length})`));
  for (const f of data.findings) all.append(findingView(f, data, (k) => select(k)));
  app.append(all);
  const linked = itemOfFragment(data.items, location.hash);
  if (linked !== null) select(linked);
  window.addEventListener('hashchange', () => {
    const k = itemOfFragment(data.items, location.hash);
    if (k !== null) select(k);
  });
  performance.mark('asyncbloat-built');
  // Ready once the first frame with all of it has been painted (rAF runs before the paint, the timeout after).
  requestAnimationFrame(() =>
    setTimeout(() => {
      document.documentElement.setAttribute('data-ready', '');
      performance.mark('asyncbloat-ready');
    }, 0),
  );
}

try {
  main();
} catch (e) {
  document.body.append(
    h('pre', { class: 'fatal' }, `This report could not be displayed: ${(e as Error).message}`),
  );
  throw e;
}
