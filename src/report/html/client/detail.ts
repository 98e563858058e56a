// The detail view of one item: numbers, source with the awaits marked, state machine, per-state layout,
// awaitees, and its findings with the suggested change as a diff.

import { NO_POLL_FN } from '../../wording.ts';
import type { PageData, PageFinding, PageItem, Snippet } from '../page-data.ts';
import { bytes, count, h, richText } from './dom.ts';
import { layoutBars } from './layout-bars.ts';
import { stateDiagram } from './state-diagram.ts';

function sourceView(s: Snippet): HTMLElement {
  const pre = h('pre', { class: 'source' });
  s.lines.forEach((text, k) => {
    const line = s.first + k;
    const marks = s.marks.filter((m) => m[0] === line);
    const row = h(
      'span',
      { class: marks.length ? 'line awaits' : 'line', 'data-line': line },
      h('span', { class: 'ln' }, String(line)),
    );
    let at = 0;
    for (const [, start, end] of marks) {
      if (start < at) continue;
      row.append(
        text.slice(at, start),
        h('mark', { class: 'await', title: 'suspend point' }, text.slice(start, end)),
      );
      at = end;
    }
    row.append(text.slice(at), '\n');
    pre.append(row);
  });
  if (s.truncated) pre.append(h('span', { class: 'more' }, '… (body continues)\n'));
  return pre;
}

export function findingView(f: PageFinding, data: PageData, onSelect?: (item: number) => void): HTMLElement {
  const where = `${f.file}:${f.line}:${f.column}`;
  const head = h(
    'div',
    { class: 'finding-head' },
    h('span', { class: `sev ${f.severity}` }, f.severity),
    h('code', { class: 'rule' }, f.rule),
    h('span', { class: 'where' }, where),
  );
  if (f.item !== null && onSelect) {
    const link = h('button', { type: 'button', class: 'link' }, data.items[f.item]!.name);
    const item = f.item;
    link.addEventListener('click', () => onSelect(item));
    head.append(link);
  }
  const box = h(
    'div',
    { class: `finding ${f.severity}`, 'data-rule': f.rule },
    head,
    h('p', { class: 'message' }, ...richText(f.message)),
  );
  if (f.fix) {
    box.append(h('p', { class: 'fix' }, `Suggested change: ${f.fix.description}`));
    if (f.fix.applicability === 'maybe-incorrect') {
      box.append(
        h(
          'p',
          { class: 'caveat' },
          `Maybe incorrect: \`asyncbloat fix --write\` leaves it out unless --allow-eager. ${f.fix.caveat ?? ''}`,
        ),
      );
    } else if (f.fix.caveat) box.append(h('p', { class: 'caveat' }, `Caveat: ${f.fix.caveat}`));
    const diff = h('pre', { class: 'diff' });
    for (const d of f.fix.diff)
      diff.append(
        h(
          'span',
          { class: d.op === '+' ? 'add' : d.op === '-' ? 'del' : d.op === '@' ? 'meta' : 'ctx' },
          `${d.op === '@' ? '' : d.op}${d.text}\n`,
        ),
      );
    box.append(diff);
  } else if (f.help) {
    box.append(h('p', { class: 'help' }, 'help: ', ...richText(f.help)));
  }
  return box;
}

function metrics(it: PageItem): HTMLElement {
  const rows: [string, string][] = [
    ['kind', it.kind],
    [
      'location',
      it.file ? `${it.file}:${it.line}:${it.column}` : '(macro-generated: not in the source scan)',
    ],
  ];
  if (it.crate) rows.push(['crate', it.crate]);
  if (it.futureBytes !== null) rows.push(['future size', bytes(it.futureBytes)]);
  if (it.states !== null) rows.push(['states', count(it.states)]);
  rows.push(['awaits', count(it.suspendPoints ?? it.awaits)]);
  if (it.heldMax !== null) rows.push(['held across an await (max)', bytes(it.heldMax)]);
  if (it.codeBytes !== null)
    rows.push([
      'machine code',
      it.codeBytes === 0
        ? 'no symbol in the binary (never used by it, or inlined entirely)'
        : (it.inlined ? `${NO_POLL_FN}; ${bytes(it.codeBytes)}` : bytes(it.codeBytes)) +
          (it.runtimeBytes
            ? `, of which ${bytes(it.runtimeBytes)} is generic code instantiated for its type`
            : ''),
    ]);
  if (it.panicBytes !== null) rows.push(['panic-path code', bytes(it.panicBytes)]);
  if (it.boxAdvice) rows.push(['box advice', it.boxAdvice.line]);
  if (it.stack) {
    rows.push(['stack per poll', it.stack.frames ?? `– (${it.stack.why})`]);
    if (it.stack.note) rows.push(['', it.stack.note]);
    if (it.stack.entry) rows.push(['entered through', it.stack.entry]);
  }
  if (it.panicPaths) {
    const p = [
      it.panicPaths.resumedAfterCompletion && 'resumed after completion',
      it.panicPaths.resumedAfterPanic && 'resumed after panic',
    ].filter(Boolean);
    rows.push(['panic paths', p.length ? p.join(', ') : 'none']);
  }
  for (const d of it.duplicatedArgs) rows.push([`argument stored twice`, `${d.name} (${bytes(d.bytes)})`]);
  return h('dl', { class: 'metrics' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function detailView(data: PageData, index: number, onSelect: (item: number) => void): HTMLElement {
  const it = data.items[index]!;
  const el = h(
    'article',
    { class: 'detail', 'data-item': index },
    h('h2', { class: 'item-name' }, it.name),
    metrics(it),
  );
  el.append(h('h3', {}, 'Source'));
  el.append(
    it.snippet
      ? sourceView(it.snippet)
      : h('p', { class: 'muted' }, it.file ? `source of ${it.file} not available` : 'no source location'),
  );
  const diagram = stateDiagram(it);
  el.append(h('h3', {}, 'State machine'));
  el.append(
    diagram ? h('div', { class: 'scroll-x' }, diagram) : h('p', { class: 'muted' }, 'no state information'),
  );
  if (it.layout)
    el.append(h('h3', {}, 'Layout per state'), h('div', { class: 'scroll-x' }, layoutBars(it.layout)));
  if (it.children.length > 0) {
    const list = h('ul', { class: 'awaitees' });
    for (const c of [...it.children].sort((a, b) => b.bytes - a.bytes)) {
      const li = h('li', {}, h('span', { class: 'num' }, bytes(c.bytes)), ` in ${c.state}: `);
      if (c.item !== null) {
        const target = c.item;
        const b = h('button', { type: 'button', class: 'link', title: c.typeName }, c.label);
        b.addEventListener('click', () => onSelect(target));
        li.append(b);
      } else li.append(h('code', { title: c.typeName }, c.label));
      list.append(li);
    }
    el.append(h('h3', {}, 'Awaited futures'), list);
  }
  el.append(h('h3', {}, `Findings (${it.findings.length})`));
  if (it.findings.length === 0) el.append(h('p', { class: 'muted' }, 'none'));
  for (const k of it.findings) el.append(findingView(data.findings[k]!, data));
  return el;
}
