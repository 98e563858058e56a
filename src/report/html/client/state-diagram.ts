// An item's coroutine as a state machine: Unresumed → Suspend0 … SuspendN → Returned, with Panicked below.
// States come from rustc's layout when there is one, else from MIR's suspend-point count, else (scan only)
// from the source's `.await`s, and the caption says which.
import type { PageItem } from '../page-data.ts';
import { bytes, svg } from './dom.ts';

interface StateNode {
  name: string;
  detail: string;
  x: number;
  y: number;
}

const W = 128;
const H = 44;
const GAP_X = 52;
const GAP_Y = 64;
const PER_ROW = 6;

function suspendIndex(name: string): number {
  const m = /^Suspend(\d+)$/.exec(name);
  return m ? Number(m[1]) : -1;
}

/** State names in execution order, and where they came from. */
export function stateNames(item: PageItem): { names: string[]; source: string } {
  if (item.layout && item.layout.states.length > 0) {
    const names = item.layout.states.map((s) => s.name);
    const suspends = names
      .filter((n) => suspendIndex(n) >= 0)
      .sort((a, b) => suspendIndex(a) - suspendIndex(b));
    const others = names.filter(
      (n) => suspendIndex(n) < 0 && !['Unresumed', 'Returned', 'Panicked'].includes(n),
    );
    const ordered = ['Unresumed', ...suspends, ...others, 'Returned'];
    if (names.includes('Panicked')) ordered.push('Panicked');
    return { names: ordered, source: 'states from rustc -Zprint-type-sizes' };
  }
  const n = item.suspendPoints ?? item.awaits;
  if (n === null) return { names: [], source: '' };
  const names = ['Unresumed', ...Array.from({ length: n }, (_, k) => `Suspend${k}`), 'Returned'];
  const panicked = item.states === null ? true : item.states > n + 2;
  if (panicked) names.push('Panicked');
  return {
    names,
    source:
      item.suspendPoints !== null
        ? 'states from MIR suspend points'
        : 'expected states from the source (one per .await at this level; build with `analyze` for rustc’s view)',
  };
}

function detailOf(item: PageItem, name: string): string {
  const state = item.layout?.states.find((s) => s.name === name);
  const held = item.held.find((h) => h.state === name);
  const line = state?.awaitLine ?? held?.line ?? null;
  const parts: string[] = [];
  if (line !== null) parts.push(`line ${line}`);
  if (held) parts.push(`${bytes(held.bytes)} held`);
  else if (state) parts.push(bytes(state.bytes));
  if (item.boxAdvice?.boxed.some((b) => b.state === name)) parts.push('box it');
  return parts.join(' · ');
}

export function stateDiagram(item: PageItem): SVGSVGElement | null {
  const { names, source } = stateNames(item);
  if (names.length === 0) return null;
  const chain = names.filter((n) => n !== 'Panicked');
  const nodes = new Map<string, StateNode>();
  chain.forEach((name, k) => {
    const row = Math.floor(k / PER_ROW);
    const col = k % PER_ROW;
    nodes.set(name, {
      name,
      detail: detailOf(item, name),
      x: 10 + col * (W + GAP_X),
      y: 46 + row * (H + GAP_Y),
    });
  });
  const rows = Math.ceil(chain.length / PER_ROW);
  const cols = Math.min(chain.length, PER_ROW);
  const width = 20 + cols * W + (cols - 1) * GAP_X;
  if (names.includes('Panicked')) {
    nodes.set('Panicked', {
      name: 'Panicked',
      detail: 'poll panicked',
      x: (width - W) / 2,
      y: 46 + rows * (H + GAP_Y),
    });
  }
  const height = 46 + (rows + (nodes.has('Panicked') ? 1 : 0)) * (H + GAP_Y) - GAP_Y + 10;
  const root = svg('svg', {
    class: 'state-diagram',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `state machine of ${item.name}`,
  });
  root.append(
    svg(
      'defs',
      {},
      svg(
        'marker',
        {
          id: 'ab-arrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto-start-reverse',
        },
        svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#555' }),
      ),
    ),
    svg('text', { x: 10, y: 16, class: 'caption' }, source),
  );
  const edge = (d: string, cls: string, label?: string, lx?: number, ly?: number) => {
    root.append(svg('path', { d, class: `edge ${cls}`, 'marker-end': 'url(#ab-arrow)' }));
    if (label && lx !== undefined && ly !== undefined)
      root.append(svg('text', { x: lx, y: ly, class: 'edge-label' }, label));
  };
  for (let k = 0; k + 1 < chain.length; k++) {
    const a = nodes.get(chain[k]!)!;
    const b = nodes.get(chain[k + 1]!)!;
    const label = b.name === 'Returned' ? 'Ready' : 'poll';
    if (a.y === b.y) {
      edge(
        `M${a.x + W},${a.y + H / 2} L${b.x - 2},${b.y + H / 2}`,
        'next',
        label,
        a.x + W + 8,
        a.y + H / 2 - 5,
      );
    } else {
      const midY = a.y + H + GAP_Y / 2;
      edge(
        `M${a.x + W / 2},${a.y + H} L${a.x + W / 2},${midY} L${b.x + W / 2},${midY} L${b.x + W / 2},${b.y - 2}`,
        'next',
        label,
        b.x + W / 2 + 6,
        midY - 4,
      );
    }
  }
  for (const n of nodes.values()) {
    if (!n.name.startsWith('Suspend')) continue;
    // Pending: the future returns to its caller and is polled again in the same state.
    edge(
      `M${n.x + W * 0.35},${n.y} C${n.x + W * 0.35},${n.y - 22} ${n.x + W * 0.65},${n.y - 22} ${n.x + W * 0.65},${n.y - 2}`,
      'loop',
      'Pending',
      n.x + W * 0.5 - 20,
      n.y - 16,
    );
  }
  const panicked = nodes.get('Panicked');
  if (panicked) {
    const sources = [...nodes.values()].filter((n) => n.name !== 'Returned' && n.name !== 'Panicked');
    if (sources.length <= 4) {
      for (const n of sources)
        edge(`M${n.x + W / 2},${n.y + H} L${panicked.x + W / 2},${panicked.y - 2}`, 'panic');
    } else {
      // Many states: one edge from a line under the last row stands for "a panic in any poll".
      const y = panicked.y - GAP_Y / 2;
      root.append(svg('path', { d: `M10,${y} L${width - 10},${y}`, class: 'edge panic' }));
      edge(
        `M${panicked.x + W / 2},${y} L${panicked.x + W / 2},${panicked.y - 2}`,
        'panic',
        'a poll panics (any state)',
        panicked.x + W / 2 + 6,
        y + 16,
      );
    }
  }
  for (const n of nodes.values()) {
    const cls = n.name === 'Panicked' ? 'panicked' : n.name.startsWith('Suspend') ? 'suspend' : 'terminal';
    // Box advice: the await of this state is one to box; the tooltip says what it saves.
    const boxed = item.boxAdvice?.boxed.find((b) => b.state === n.name);
    root.append(
      svg(
        'g',
        {
          class: `state ${cls}${boxed ? ' boxed' : ''}`,
          transform: `translate(${n.x},${n.y})`,
          'data-state': n.name,
        },
        boxed ? svg('title', {}, boxed.text) : null,
        svg('rect', { width: W, height: H, rx: 8 }),
        svg(
          'text',
          { x: W / 2, y: n.detail ? 18 : 27, 'text-anchor': 'middle', class: 'state-name' },
          n.name,
        ),
        n.detail
          ? svg('text', { x: W / 2, y: 34, 'text-anchor': 'middle', class: 'state-detail' }, n.detail)
          : null,
      ),
    );
  }
  return root;
}
