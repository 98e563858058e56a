// Where to `Box::pin`, and what it saves (issue #22): an estimate from the real layouts. A future's size is
// its overhead (discriminant, trailing padding) plus its largest state. Boxing the future awaited in a state
// replaces its bytes there by a pointer; the new size is the new largest state. A greedy search boxes one
// await at a time, always the one that shrinks the future most, until the future is under the threshold or
// at its floor: the largest state that boxing cannot shrink (a large local held across an await). The change
// then flows up the awaitee tree: every future that awaits this one shrinks too, up to the root futures.
//
// It is an estimate: rustc may re-pack the states once a field changes. Tests compare it with rustc's own
// layout of the boxed copy.
import type {
  AnalyzedItem,
  BoxAdvice,
  BoxSite,
  FutureLayout,
  LayoutField,
  StateLayout,
} from '../model/report.ts';

/** Futures larger than this get advice, by default (tokio boxes futures past 2 KiB; clippy warns at 16 KiB). */
export const DEFAULT_BOX_THRESHOLD = 1024;

export interface BoxAdviceOptions {
  thresholdBytes: number;
  /** Bytes of a `Pin<Box<F>>` (a thin pointer) on the target. */
  pointerBytes: number;
  /** Where an await is in the source: its column, from the source scan, for the item and line. */
  awaitColumn?: (item: AnalyzedItem, line: number) => number | undefined;
}

/** A target's pointer width from its triple; the host (64-bit here) when there is none. */
export function pointerBytesOf(target: string | undefined): number {
  if (!target) return 8;
  if (/^(avr|msp430)/.test(target)) return 2;
  if (
    /^(thumb|arm[^6]|armv7|armebv7|riscv32|i[3-6]86|wasm32|mips-|mipsel-|powerpc-|xtensa|sparc-|csky|hexagon|m68k)/.test(
      target,
    )
  )
    return 4;
  return 8;
}

const alignUp = (n: number, a: number): number => (a <= 1 ? n : Math.ceil(n / a) * a);

/** The instance advice is about: the largest layout of the item. */
function largestLayout(item: AnalyzedItem): FutureLayout | undefined {
  return item.layouts.reduce<FutureLayout | undefined>(
    (a, l) => (!a || l.bytes > a.bytes ? l : a),
    undefined,
  );
}

/** A candidate box: an awaitee field of a suspend state. */
interface Candidate {
  state: StateLayout;
  field: LayoutField;
}

/** One state's bytes with some of its fields replaced by pointers (`boxed`) or shrunk by `shrink` bytes. */
function stateBytes(
  state: StateLayout,
  boxed: Set<LayoutField>,
  pointer: number,
  shrink?: Map<LayoutField, number>,
): number {
  let bytes = state.bytes;
  for (const f of state.fields) {
    if (boxed.has(f)) {
      // The pointer takes the field's place, aligned as a pointer is.
      bytes += pointer - f.bytes + (alignUp(f.offset, pointer) - f.offset);
    } else {
      const s = shrink?.get(f);
      if (s) bytes -= s;
    }
  }
  return bytes;
}

/** The future's size with the given fields boxed or shrunk: overhead + largest state, aligned. */
function futureBytes(
  layout: FutureLayout,
  boxed: Set<LayoutField>,
  pointer: number,
  shrink?: Map<LayoutField, number>,
): number {
  if (layout.states.length === 0) return layout.bytes;
  const largest = Math.max(...layout.states.map((s) => s.bytes));
  const overhead = layout.bytes - largest;
  const after = Math.max(...layout.states.map((s) => stateBytes(s, boxed, pointer, shrink)));
  if (boxed.size === 0 && (!shrink || shrink.size === 0)) return layout.bytes;
  return alignUp(overhead + after, Math.max(layout.alignment, boxed.size > 0 ? pointer : 1));
}

function isSuspend(s: StateLayout): boolean {
  return /^Suspend\d+$/.test(s.name);
}

/** The awaits whose boxing brings `layout` under the threshold, greedily; and its floor when it cannot. */
function greedyBoxes(layout: FutureLayout, threshold: number, pointer: number) {
  const candidates: Candidate[] = layout.states
    .filter(isSuspend)
    .flatMap((state) =>
      state.fields
        .filter((f) => f.kind === 'awaitee' && f.bytes > pointer)
        .map((field) => ({ state, field })),
    );
  const boxed = new Set<LayoutField>();
  const steps: { candidate: Candidate; before: number; after: number }[] = [];
  let size = layout.bytes;
  while (size > threshold) {
    let best: { c: Candidate; size: number } | undefined;
    for (const c of candidates) {
      if (boxed.has(c.field)) continue;
      const next = futureBytes(layout, new Set([...boxed, c.field]), pointer);
      if (!best || next < best.size || (next === best.size && c.field.bytes > best.c.field.bytes))
        best = { c, size: next };
    }
    if (!best || best.size >= size) break;
    boxed.add(best.c.field);
    steps.push({ candidate: best.c, before: size, after: best.size });
    size = best.size;
  }
  return { steps, boxed, size };
}

/** What keeps the future at its size once every useful box is in: the largest field of its largest state. */
function floorOf(layout: FutureLayout, boxed: Set<LayoutField>, pointer: number): BoxAdvice['floor'] {
  const state = layout.states.reduce((a, s) =>
    stateBytes(s, boxed, pointer) > stateBytes(a, boxed, pointer) ? s : a,
  );
  const field = state.fields
    .filter((f) => f.kind === 'local' || f.kind === 'upvar')
    .reduce<LayoutField | undefined>((a, f) => (!a || f.bytes > a.bytes ? f : a), undefined);
  if (!field) return undefined;
  return {
    state: state.name,
    field: field.name,
    kind: field.kind as 'local' | 'upvar',
    bytes: field.bytes,
    ...(state.awaitLine !== undefined ? { line: state.awaitLine } : {}),
  };
}

/** Item names as children name them, to find the awaiters of an item. */
function awaitersOf(items: AnalyzedItem[]): Map<string, { awaiter: AnalyzedItem; typeName: string }[]> {
  const out = new Map<string, { awaiter: AnalyzedItem; typeName: string }[]>();
  for (const awaiter of items) {
    for (const c of awaiter.children) {
      if (c.item === undefined) continue;
      const list = out.get(c.item) ?? [];
      if (!list.some((x) => x.awaiter === awaiter && x.typeName === c.typeName))
        list.push({ awaiter, typeName: c.typeName });
      out.set(c.item, list);
    }
  }
  return out;
}

/**
 * New sizes of every future above `item` once its layout `typeName` shrinks by `saved` bytes: each awaiter's
 * fields of that type shrink, and so on up. Items not affected are absent.
 */
function propagate(
  item: AnalyzedItem,
  typeName: string,
  saved: number,
  awaiters: Map<string, { awaiter: AnalyzedItem; typeName: string }[]>,
  pointer: number,
): Map<AnalyzedItem, number> {
  const after = new Map<AnalyzedItem, number>();
  const queue: { item: AnalyzedItem; typeName: string; saved: number }[] = [{ item, typeName, saved }];
  const seen = new Set<AnalyzedItem>([item]);
  while (queue.length > 0) {
    const { item: child, typeName: type, saved: by } = queue.shift()!;
    for (const { awaiter, typeName: childType } of awaiters.get(child.name) ?? []) {
      if (childType !== type || seen.has(awaiter)) continue;
      const layout = largestLayout(awaiter);
      if (!layout) continue;
      const shrink = new Map<LayoutField, number>();
      for (const s of layout.states)
        for (const f of s.fields) if (f.kind === 'awaitee' && f.type === type) shrink.set(f, by);
      if (shrink.size === 0) continue;
      const size = futureBytes(layout, new Set(), pointer, shrink);
      if (size >= layout.bytes) continue;
      seen.add(awaiter);
      after.set(awaiter, size);
      queue.push({ item: awaiter, typeName: layout.typeName, saved: layout.bytes - size });
    }
  }
  return after;
}

/** The callee of an await as a name: the analysed item it resolves to, else its type. */
function calleeOf(item: AnalyzedItem, c: Candidate): string {
  const child = item.children.find((ch) => ch.state === c.state.name && ch.typeName === c.field.type);
  return child?.item ?? c.field.type ?? c.field.name;
}

/** Box advice for every item over the threshold, in place (`item.boxAdvice`). */
export function adviseBoxes(
  items: AnalyzedItem[],
  roots: Set<AnalyzedItem>,
  options: BoxAdviceOptions,
): void {
  const { thresholdBytes: threshold, pointerBytes: pointer } = options;
  const awaiters = awaitersOf(items);
  for (const item of items) {
    const layout = largestLayout(item);
    if (!layout || layout.bytes <= threshold) continue;
    const { steps, boxed, size } = greedyBoxes(layout, threshold, pointer);
    const boxes: BoxSite[] = steps.map(({ candidate, before, after }) => {
      const line = candidate.state.awaitLine;
      const column = line !== undefined ? options.awaitColumn?.(item, line) : undefined;
      return {
        state: candidate.state.name,
        ...(item.file !== undefined ? { file: item.file } : {}),
        ...(line !== undefined ? { line } : {}),
        ...(column !== undefined ? { column } : {}),
        callee: calleeOf(item, candidate),
        awaiteeBytes: candidate.field.bytes,
        beforeBytes: before,
        afterBytes: after,
      };
    });
    const effects =
      steps.length > 0 ? propagate(item, layout.typeName, layout.bytes - size, awaiters, pointer) : new Map();
    const rootEffects = [...roots]
      .filter((r) => r === item || effects.has(r))
      .map((r) => ({
        item: r.name,
        beforeBytes: r.futureBytes ?? 0,
        afterBytes: r === item ? size : effects.get(r)!,
      }));
    const advice: BoxAdvice = {
      thresholdBytes: threshold,
      beforeBytes: layout.bytes,
      afterBytes: size,
      reachesThreshold: size <= threshold,
      boxes,
      roots: rootEffects,
    };
    if (size > threshold) {
      const floor = floorOf(layout, boxed, pointer);
      if (floor) advice.floor = floor;
    }
    item.boxAdvice = advice;
  }
}
