// One stacked bar per state of the largest instance: each field at its offset, scaled to the whole future's
// size, so what a state holds across its await is visible at a glance. Padding is hatched red (waste); the
// grey background is space the state does not use (another state needs it).
import type { PageField, PageLayout } from '../page-data.ts';
import { bytes, fitText, svg } from './dom.ts';

const LABEL_W = 170;
const BAR_W = 560;
const ROW_H = 26;

const KIND_CLASS: Record<PageField[1], string> = {
  upvar: 'f-upvar',
  local: 'f-local',
  awaitee: 'f-awaitee',
  padding: 'f-padding',
};

export function layoutBars(layout: PageLayout): SVGSVGElement {
  const height = 24 + layout.states.length * ROW_H + 26;
  const width = LABEL_W + BAR_W + 110;
  const root = svg('svg', { class: 'layout-bars', width, height, viewBox: `0 0 ${width} ${height}` });
  root.append(
    svg(
      'defs',
      {},
      svg(
        'pattern',
        {
          id: 'ab-hatch',
          width: 6,
          height: 6,
          patternUnits: 'userSpaceOnUse',
          patternTransform: 'rotate(45)',
        },
        svg('rect', { width: 6, height: 6, fill: '#fde0dc' }),
        svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#d9534f', 'stroke-width': 3 }),
      ),
    ),
    svg(
      'text',
      { x: 0, y: 14, class: 'caption' },
      `${layout.typeName} — ${bytes(layout.bytes)}, align ${layout.alignment}` +
        (layout.instances > 1 ? ` (largest of ${layout.instances} instances)` : ''),
    ),
  );
  const scale = BAR_W / Math.max(1, layout.bytes);
  layout.states.forEach((s, k) => {
    const y = 24 + k * ROW_H;
    const fields = s.fields.map((i) => layout.fields[i]!);
    const waste = fields.filter((f) => f[1] === 'padding').reduce((a, f) => a + f[3], 0);
    const row = svg('g', { class: 'bar-row', 'data-state': s.name, transform: `translate(0,${y})` });
    row.append(
      svg('text', { x: 0, y: 15, class: 'bar-label' }, `${s.name}  ${bytes(s.bytes)}`),
      svg(
        'rect',
        { x: LABEL_W, y: 2, width: BAR_W, height: ROW_H - 6, class: 'unused' },
        svg('title', {}, 'not used by this state'),
      ),
    );
    for (const [name, kind, offset, size, type] of fields) {
      const w = Math.max(1, size * scale);
      const x = LABEL_W + offset * scale;
      const tip = `${kind} ${name}: ${bytes(size)} at offset ${offset}${type ? `\ntype: ${type}` : ''}`;
      const seg = svg('g', { class: `seg ${KIND_CLASS[kind]}` });
      seg.append(
        svg('rect', {
          x,
          y: 2,
          width: w,
          height: ROW_H - 6,
          fill: kind === 'padding' ? 'url(#ab-hatch)' : undefined,
        }),
        svg('title', {}, tip),
      );
      if (w > 40 && kind !== 'padding')
        seg.append(svg('text', { x: x + 3, y: 16, class: 'seg-label' }, fitText(name, w - 6)));
      row.append(seg);
    }
    if (waste > 0)
      row.append(svg('text', { x: LABEL_W + BAR_W + 6, y: 15, class: 'waste' }, `${bytes(waste)} padding`));
    root.append(row);
  });
  const ly = 24 + layout.states.length * ROW_H + 14;
  let lx = 0;
  for (const [cls, label] of [
    ['f-upvar', 'upvar (argument/capture)'],
    ['f-local', 'local held across await'],
    ['f-awaitee', 'awaited future'],
    ['f-padding', 'padding (waste)'],
    ['unused', 'unused in this state'],
  ] as const) {
    root.append(
      svg('rect', {
        x: lx,
        y: ly - 9,
        width: 10,
        height: 10,
        class: `legend ${cls}`,
        fill: cls === 'f-padding' ? 'url(#ab-hatch)' : undefined,
      }),
    );
    root.append(svg('text', { x: lx + 14, y: ly, class: 'legend-label' }, label));
    lx += 28 + label.length * 6;
  }
  return root;
}
