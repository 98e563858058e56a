// Treemap of futures: area = future bytes, nested by awaitee (an item's awaited futures are drawn inside it).
// One level is interactive at a time; a click on a box with awaitees zooms into it, the breadcrumb zooms out.
import { type HierarchyRectangularNode, hierarchy, treemap } from 'd3-hierarchy';
import { composite, labelColor } from '../contrast.ts';
import type { PageData, PageItem } from '../page-data.ts';
import { bytes, fitText, h, svg, textWidth } from './dom.ts';

/** A box: an analysed item, an awaitee that is not one of ours, or the part of a future its awaitees leave. */
interface Box {
  label: string;
  /** Real size, shown in labels. */
  bytes: number;
  /** Area in the current drawing (see `grow`). */
  area: number;
  item: number | null;
  rest?: boolean;
  /** For a group box ("N smaller futures"): its members, drawn when zoomed into. */
  group?: Box[];
  children?: Box[];
}

/** Boxes per level: beyond this the smallest are grouped into one box (thousands of slivers say nothing). */
const MAX_BOXES = 150;

/** Awaitees of an item, one per distinct future (the same awaitee in several states counts once). */
function awaitees(item: PageItem): { label: string; bytes: number; item: number | null }[] {
  const seen = new Map<string, { label: string; bytes: number; item: number | null }>();
  for (const c of item.children) {
    const key = c.item !== null ? `#${c.item}` : c.typeName;
    const prev = seen.get(key);
    if (!prev || prev.bytes < c.bytes) seen.set(key, { label: c.label, bytes: c.bytes, item: c.item });
  }
  return [...seen.values()].filter((c) => c.bytes > 0);
}

/**
 * Builds `depth` levels below a box. Awaitees sit in different states of an enum, so they overlap in memory and
 * can add up to more than the future: they are then scaled down to fill it; otherwise the remainder is shown as
 * a box of its own (the future's other locals, upvars and tag). Labels always show the real byte counts.
 */
function grow(data: PageData, box: Box, depth: number, path: Set<number>): Box {
  if (depth === 0) return box;
  if (box.group) {
    const scale = box.area / box.bytes;
    return {
      ...box,
      children: box.group.map((g) => grow(data, { ...g, area: g.bytes * scale }, depth - 1, path)),
    };
  }
  if (box.item === null || path.has(box.item)) return box;
  const kids = awaitees(data.items[box.item]!);
  if (kids.length === 0) return box;
  const sum = kids.reduce((s, k) => s + k.bytes, 0);
  const scale = (Math.min(1, box.bytes / sum) * box.area) / box.bytes;
  const inner = new Set(path).add(box.item);
  const children = kids.map((k) =>
    grow(data, { label: k.label, bytes: k.bytes, area: k.bytes * scale, item: k.item }, depth - 1, inner),
  );
  const left = box.area - children.reduce((s, c) => s + c.area, 0);
  if (left > box.area * 1e-3) {
    children.push({
      label: 'own state',
      bytes: Math.round(box.bytes * (left / box.area)),
      area: left,
      item: null,
      rest: true,
    });
  }
  return { ...box, children };
}

/** The largest MAX_BOXES - 1 boxes, and the rest in a group box that can be zoomed into (recursively). */
function grouped(boxes: Box[]): Box[] {
  const sorted = [...boxes].sort((a, b) => b.bytes - a.bytes);
  if (sorted.length <= MAX_BOXES) return sorted;
  const rest = sorted.slice(MAX_BOXES - 1);
  const bytes = rest.reduce((s, b) => s + b.bytes, 0);
  return [
    ...sorted.slice(0, MAX_BOXES - 1),
    { label: `${rest.length} smaller futures`, bytes, area: bytes, item: null, group: grouped(rest) },
  ];
}

/**
 * Items no other item awaits (root futures) are the top level; the rest appear inside their awaiters. Same
 * rule as the summary's rootFutureBytes, so the two totals agree.
 */
function topLevel(data: PageData): Box {
  const awaited = new Set(data.items.flatMap((i) => i.children.map((c) => c.item)));
  const roots: Box[] = [];
  data.items.forEach((it, i) => {
    if ((it.futureBytes ?? 0) > 0 && !awaited.has(i))
      roots.push({ label: it.name, bytes: it.futureBytes!, area: it.futureBytes!, item: i });
  });
  const total = roots.reduce((s, r) => s + r.bytes, 0);
  return { label: 'root futures', bytes: total, area: total, item: null, group: grouped(roots) };
}

export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#e15759',
  '#9c755f',
  '#bab0ac',
];

export interface TreemapView {
  element: HTMLElement;
  /** Draws the current level; call once the element is in the document (its width is measured). */
  render(): void;
  /** Focus on an item (zooming in to it when it has awaitees). */
  focus(item: number | null): void;
}

/** `onSelect(item, zoomed)`: zoomed is true when the click also zoomed the treemap in (the page stays put then). */
export function createTreemap(
  data: PageData,
  onSelect: (item: number, zoomed: boolean) => void,
): TreemapView {
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'treemap zoom' });
  const canvas = svg('svg', { class: 'treemap', role: 'img', 'aria-label': 'treemap of future sizes' });
  const element = h('div', { class: 'treemap-wrap' }, crumbs, canvas);
  const top = topLevel(data);
  let trail: Box[] = [top];

  function draw(): void {
    const focus = trail[trail.length - 1]!;
    const width = Math.max(320, element.clientWidth || 960);
    const height = 420;
    canvas.setAttribute('viewBox', `0 0 ${width} ${height}`);
    canvas.setAttribute('width', String(width));
    canvas.setAttribute('height', String(height));
    canvas.replaceChildren();
    crumbs.replaceChildren(
      ...trail.flatMap((b, k) => {
        const label = `${b.label} (${bytes(b.bytes)})`;
        const last = k === trail.length - 1;
        const el = last
          ? h('span', { class: 'crumb current' }, label)
          : h('button', { type: 'button', class: 'crumb', title: 'zoom out to here' }, label);
        if (!last) el.addEventListener('click', () => zoomTo(k));
        return k === 0 ? [el] : [h('span', { class: 'sep' }, ' › '), el];
      }),
    );
    const tree = grow(data, { ...focus, area: focus.bytes }, 2, new Set());
    if (!tree.children || tree.children.length === 0) {
      canvas.append(svg('text', { x: 12, y: 24, class: 'empty' }, 'no future sizes to draw'));
      return;
    }
    const root = treemap<Box>().size([width, height]).paddingTop(0).paddingInner(2).round(true)(
      hierarchy<Box>(tree, (d) => d.children)
        .sum((d) => (d.children ? 0 : d.area))
        .sort((a, b) => (b.value ?? 0) - (a.value ?? 0)),
    );
    for (const [k, node] of (root.children ?? []).entries())
      canvas.append(cell(node, PALETTE[k % PALETTE.length]!));
  }

  function cell(node: HierarchyRectangularNode<Box>, color: string): SVGGElement {
    const b = node.data;
    const w = node.x1 - node.x0;
    const hgt = node.y1 - node.y0;
    const zoomable = (b.item !== null || b.group !== undefined) && (node.children?.length ?? 0) > 0;
    const g = svg('g', {
      class: `cell${b.rest ? ' rest' : ''}${zoomable ? ' zoomable' : ''}`,
      'data-item': b.item ?? undefined,
      transform: `translate(${node.x0},${node.y0})`,
    });
    const fill = b.rest ? '#d9d9d9' : b.group ? '#8c959f' : color;
    g.append(
      svg('rect', { width: w, height: hgt, fill }),
      svg('title', {}, `${b.label}\n${bytes(b.bytes)}${zoomable ? '\nclick to zoom in' : ''}`),
    );
    // The box's own labels: its name, then its size when there is room for both lines. Each is cut to the
    // box's width or left out; `labelsBottom` is where they end, so no awaitee label is drawn over them.
    const ink = labelColor(fill);
    const label = hgt > 14 ? fitText(b.label, w - 8) : '';
    const size = hgt > 28 ? fitText(bytes(b.bytes), w - 8) : '';
    const labelsBottom = size ? 30 : label ? 17 : 0;
    const labelsRight = 4 + textWidth(label.length > size.length ? label : size) + 4;
    // Awaitees are sketched inside boxes big enough to show them; zooming in shows them all.
    for (const kid of w >= 24 && hgt >= 24 ? (node.children ?? []) : []) {
      const kw = kid.x1 - kid.x0;
      const kh = kid.y1 - kid.y0;
      const [kx, ky] = [kid.x0 - node.x0, kid.y0 - node.y0];
      const kidFill = composite(kid.data.rest ? '#ffffff22' : '#ffffff55', fill);
      const inner = svg(
        'g',
        { transform: `translate(${kx},${ky})`, class: 'kid' },
        svg('rect', { width: kw, height: kh, fill: kidFill }),
        svg('title', {}, `${kid.data.label}\n${bytes(kid.data.bytes)}`),
      );
      // The awaitee's label sits on its bottom line (11 px high); it is drawn only where it clears the
      // box's own labels, above it or to their right.
      const text = kh > 26 ? fitText(kid.data.label, kw - 6) : '';
      const clears = ky + kh - 16 >= labelsBottom || kx >= labelsRight;
      if (text && clears)
        inner.append(svg('text', { x: 3, y: kh - 5, class: 'kid-label', fill: labelColor(kidFill) }, text));
      g.append(inner);
    }
    if (label) g.append(svg('text', { x: 4, y: 13, class: 'label', fill: ink }, label));
    if (size) g.append(svg('text', { x: 4, y: 26, class: 'size', fill: ink }, size));
    g.addEventListener('click', () => {
      if (b.item !== null) onSelect(b.item, zoomable);
      if (zoomable) {
        trail.push({ ...b, children: undefined });
        draw();
      }
    });
    return g;
  }

  function zoomTo(k: number): void {
    trail = trail.slice(0, k + 1);
    draw();
  }

  function focus(item: number | null): void {
    if (item === null) {
      trail = [top];
    } else {
      const it = data.items[item]!;
      if (it.futureBytes === null || it.children.length === 0) return;
      const box: Box = { label: it.name, bytes: it.futureBytes, area: it.futureBytes, item };
      trail = [top, box];
    }
    draw();
  }

  return { element, render: draw, focus };
}
