// The items table: click a header to sort (again to reverse), type to filter by name or file, pick a kind.
import type { PageData, PageItem } from '../page-data.ts';
import { bytes, count, h } from './dom.ts';

interface Column {
  key: string;
  label: string;
  numeric: boolean;
  value(item: PageItem): string | number | null;
  show(item: PageItem): string;
}

function location(it: PageItem): string {
  return it.file ? `${it.file}:${it.line ?? '?'}` : '(macro-generated)';
}

function columns(data: PageData): Column[] {
  const num = (key: string, label: string, value: (i: PageItem) => number | null, show = count): Column => ({
    key,
    label,
    numeric: true,
    value,
    show: (i) => show(value(i)),
  });
  const cols: Column[] = [
    { key: 'name', label: 'item', numeric: false, value: (i) => i.name, show: (i) => i.name },
    { key: 'kind', label: 'kind', numeric: false, value: (i) => i.kind, show: (i) => i.kind },
    { key: 'location', label: 'location', numeric: false, value: location, show: location },
  ];
  if (data.kind === 'analysis') {
    cols.push(
      num('futureBytes', 'future', (i) => i.futureBytes, bytes),
      num('states', 'states', (i) => i.states),
      num('suspendPoints', 'awaits', (i) => i.suspendPoints ?? i.awaits),
      num('heldMax', 'held max', (i) => i.heldMax, bytes),
    );
    if (data.items.some((i) => i.codeBytes !== null)) {
      const own = (i: PageItem) => (i.codeBytes === null ? null : i.codeBytes - (i.runtimeBytes ?? 0));
      const code = num('codeBytes', 'code', own, bytes);
      // As the terminal table (codeCell in report/text-table.ts): no symbol at all is either an unused
      // future or one inlined entirely ("no symbol"); drop glue without a poll fn is "no poll fn".
      code.show = (i) => {
        const o = own(i);
        if (i.codeBytes === 0) return 'no symbol';
        if (o === 0) return 'no poll fn';
        return i.inlined ? `no poll fn, ${bytes(o)}` : bytes(o);
      };
      cols.push(code);
      if (data.items.some((i) => (i.runtimeBytes ?? 0) > 0)) {
        const runtime = num('runtimeBytes', 'generic code', (i) => i.runtimeBytes, bytes);
        runtime.show = (i) => (i.runtimeBytes ? bytes(i.runtimeBytes) : '-');
        cols.push(runtime);
      }
    }
  } else {
    cols.push(num('awaits', 'awaits', (i) => i.awaits));
  }
  cols.push(num('findings', 'findings', (i) => i.findings.length));
  return cols;
}

const PAGE = 200;

export interface TableView {
  element: HTMLElement;
  select(item: number | null): void;
}

export function createTable(data: PageData, onSelect: (item: number) => void): TableView {
  const cols = columns(data);
  let sortKey = data.kind === 'analysis' ? 'futureBytes' : 'name';
  let descending = data.kind === 'analysis';
  let selected: number | null = null;

  const filter = h('input', {
    type: 'search',
    placeholder: 'filter by name or file…',
    'aria-label': 'filter items',
    class: 'filter',
  });
  const kinds = [...new Set(data.items.map((i) => i.kind))].sort();
  const kind = h(
    'select',
    { 'aria-label': 'filter by kind', class: 'kind-filter' },
    h('option', { value: '' }, 'all kinds'),
    ...kinds.map((k) => h('option', { value: k }, k)),
  );
  const shown = h('span', { class: 'shown' });
  // Rows beyond the first PAGE are drawn on request: 2,000 rows would cost a second of layout on open.
  let limit = PAGE;
  const more = h('button', { type: 'button', class: 'more-rows' });
  more.addEventListener('click', () => {
    limit = Number.POSITIVE_INFINITY;
    render();
  });
  const headRow = h('tr');
  const tbody = h('tbody');
  const table = h('table', { class: 'items' }, h('thead', {}, headRow), tbody);
  const element = h(
    'div',
    { class: 'table-wrap' },
    h('div', { class: 'controls' }, filter, kind, shown),
    h('div', { class: 'scroll' }, table, more),
  );

  for (const c of cols) {
    const th = h(
      'th',
      { 'data-key': c.key, class: c.numeric ? 'num' : undefined, scope: 'col' },
      h('button', { type: 'button' }, c.label),
    );
    th.addEventListener('click', () => {
      if (sortKey === c.key) descending = !descending;
      else {
        sortKey = c.key;
        descending = c.numeric;
      }
      render();
    });
    headRow.append(th);
  }

  function rows(): number[] {
    const q = filter.value.trim().toLowerCase();
    const k = kind.value;
    const col = cols.find((c) => c.key === sortKey)!;
    const idx = data.items
      .map((_, i) => i)
      .filter((i) => {
        const it = data.items[i]!;
        if (k && it.kind !== k) return false;
        return !q || it.name.toLowerCase().includes(q) || (it.file ?? '').toLowerCase().includes(q);
      });
    const dir = descending ? -1 : 1;
    // Missing values (null) sort last in both directions: "unknown" is never the biggest or the smallest.
    return idx.sort((a, b) => {
      const va = col.value(data.items[a]!);
      const vb = col.value(data.items[b]!);
      if (va === null || vb === null) return va === vb ? a - b : va === null ? 1 : -1;
      // The reader's own locale, unlike the documents' code point order (text-order.ts): a table sorted by
      // hand in a browser should read as the reader's other lists do.
      const c =
        typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      return c === 0 ? a - b : c * dir;
    });
  }

  function render(): void {
    for (const th of headRow.children) {
      const key = (th as HTMLElement).dataset.key;
      th.setAttribute('aria-sort', key === sortKey ? (descending ? 'descending' : 'ascending') : 'none');
    }
    const list = rows();
    shown.textContent = `${list.length} of ${data.items.length} items`;
    more.hidden = list.length <= limit;
    more.textContent = `show all ${list.length} rows (${Math.min(limit, list.length)} shown)`;
    const frag = document.createDocumentFragment();
    for (const i of list.slice(0, limit)) {
      const it = data.items[i]!;
      const tr = h('tr', { 'data-item': i, class: i === selected ? 'selected' : undefined, tabindex: 0 });
      for (const c of cols)
        tr.append(h('td', { class: c.numeric ? 'num' : c.key === 'name' ? 'name' : undefined }, c.show(it)));
      frag.append(tr);
    }
    tbody.replaceChildren(frag);
  }

  const pick = (e: Event) => {
    const tr = (e.target as Element).closest('tr[data-item]');
    if (tr) onSelect(Number(tr.getAttribute('data-item')));
  };
  tbody.addEventListener('click', pick);
  tbody.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') pick(e);
  });
  filter.addEventListener('input', render);
  kind.addEventListener('change', render);
  render();

  return {
    element,
    select(item) {
      selected = item;
      if (item !== null && !tbody.querySelector(`tr[data-item="${item}"]`)) {
        // Selected from the treemap or a link while its row is beyond the page: draw all rows.
        limit = Number.POSITIVE_INFINITY;
        render();
      }
      for (const tr of tbody.querySelectorAll('tr.selected')) tr.classList.remove('selected');
      if (item !== null) tbody.querySelector(`tr[data-item="${item}"]`)?.classList.add('selected');
    },
  };
}
