// The join: each async item from the source scan, matched to its MIR poll body (by the coroutine's span) and
// to its layouts in -Zprint-type-sizes (by span for blocks and closures, by item path for async fns, one
// layout per generic instantiation). Coroutines rustc emitted that the scan did not see (macro-generated,
// e.g. `#[tokio::main]`) are still listed, with origin `compiler`.
import { resolve } from 'node:path';
import { awaitLinesOf, indexFutures, measureLayout } from '../measure/layout.ts';
import type { AsyncItem } from '../model/async-item.ts';
import type { Finding } from '../model/finding.ts';
import type { AnalyzedItem, FutureLayout } from '../model/report.ts';
import { pathInside } from '../paths.ts';
import type { MirCoroutine, MirReadResult } from '../readers/mir.ts';
import { spanOfTypeName } from '../readers/mir-span.ts';
import { asyncFnPath, namesItem, pathSegments, spanKey } from './item-keys.ts';

export interface CrateInput {
  crate: string;
  /** Directory rustc ran in: relative spans in MIR and type names are resolved against it. */
  buildRoot: string;
  /** Directory the scan's relative file paths are resolved against. */
  scanRoot: string;
  /** Directory of the package, to decide which compiler-only coroutines belong to this crate. */
  packageRoot: string;
  items: AsyncItem[];
  findings: Finding[];
  mir?: MirReadResult;
  /** Every coroutine layout rustc printed while compiling this crate (its own and instantiated foreign ones). */
  layouts: FutureLayout[];
}

/** An analysed item with the MIR body it was joined to, until the cross-crate measurements are filled in. */
export interface JoinedItem {
  item: AnalyzedItem;
  mir?: MirCoroutine;
  /** The source item, for items the scan found. */
  source?: AsyncItem;
}

export interface JoinResult {
  items: JoinedItem[];
  /** Layouts printed by this crate that belong to no item here (foreign futures, ambiguous names). */
  foreignLayouts: FutureLayout[];
}

export function joinCrate(input: CrateInput): JoinResult {
  const bySpan = new Map<string, AsyncItem>();
  for (const item of input.items) {
    bySpan.set(spanKey(input.scanRoot, item.file, item.rustcStart.line, item.rustcStart.column), item);
  }

  // MIR bodies by item. An async closure has two poll bodies (by-ref `{closure#0}` and by-move
  // `{synthetic#0}`) for one source body: the first one printed is kept.
  const mirOf = new Map<AsyncItem, MirCoroutine>();
  const compilerOnly: MirCoroutine[] = [];
  const unmatched: MirCoroutine[] = [];
  for (const body of input.mir?.coroutines ?? []) {
    const item =
      body.span && bySpan.get(spanKey(input.buildRoot, body.span.file, body.span.line, body.span.column));
    if (!item) {
      if (!body.name.includes('{synthetic#')) unmatched.push(body);
      continue;
    }
    if (!mirOf.has(item)) mirOf.set(item, body);
  }
  // An attribute macro such as `#[tokio::main]` turns `async fn main` into a plain fn around an async block
  // whose span points somewhere inside the original fn. Such a body belongs to the innermost source item
  // that contains it and has no body of its own.
  for (const body of unmatched) {
    const owner = body.span && containingItem(input, body.span, (i) => !mirOf.has(i));
    if (owner) mirOf.set(owner, body);
    else compilerOnly.push(body);
  }

  // Blocks and closures print the same type name in MIR and in the layouts; that also catches bodies joined
  // by containment above, whose span matches no source item. So does a non-generic async fn whose path an
  // attribute macro changed: embassy's `#[task] async fn run` is compiled as `__run_task::run`, joined by its
  // span above, and its layout is `{async fn body of __run_task::run()}`, which the path below cannot find.
  const byType = new Map<string, AsyncItem>();
  for (const [item, body] of mirOf) byType.set(body.coroutineType, item);

  const layoutsOf = new Map<AsyncItem, FutureLayout[]>();
  const foreignLayouts: FutureLayout[] = [];
  const seen = new Set<string>();
  for (const layout of input.layouts) {
    if (seen.has(layout.typeName)) continue;
    seen.add(layout.typeName);
    const item = byType.get(layout.typeName) ?? itemForLayout(layout, input, bySpan);
    if (!item) {
      foreignLayouts.push(layout);
      continue;
    }
    const list = layoutsOf.get(item) ?? [];
    list.push(layout);
    layoutsOf.set(item, list);
  }

  const findingsOf = new Map<string, Finding[]>();
  for (const f of input.findings) {
    if (!f.item) continue;
    const list = findingsOf.get(f.item) ?? [];
    list.push(f);
    findingsOf.set(f.item, list);
  }

  const items: JoinedItem[] = input.items.map((item) =>
    analyzedItem(
      {
        name: item.name,
        kind: item.kind,
        crate: input.crate,
        file: item.file,
        line: item.line,
        column: item.column,
        origin: 'scan',
        awaits: item.awaits,
      },
      mirOf.get(item),
      layoutsOf.get(item) ?? [],
      findingsOf.get(item.name) ?? [],
      item,
    ),
  );

  for (const body of compilerOnly) {
    const file = body.span ? resolve(input.buildRoot, body.span.file) : undefined;
    if (file && pathInside(input.packageRoot, file) === undefined) continue; // another crate's span (inlined macro body etc.)
    const layouts = input.layouts.filter((l) => l.typeName === body.coroutineType);
    items.push(
      analyzedItem(
        {
          name: compilerItemName(body),
          kind: body.kind,
          crate: input.crate,
          file: file ? (pathInside(input.scanRoot, file) ?? file) : undefined,
          line: body.span?.line,
          column: body.span?.column,
          origin: 'compiler',
        },
        body,
        layouts,
        [],
      ),
    );
  }
  return { items, foreignLayouts };
}

/**
 * A compiler-only body's name: rustc trims a fn's path in MIR headers to its last segment when that is unique
 * (`fn __run_task_inner_function(..)`), while its coroutine type keeps the whole path
 * (`{async fn body of __run_task::__run_task_inner_function()}`): take that one when they agree.
 */
function compilerItemName(body: MirCoroutine): string {
  const name = body.name.replace(/::\{closure#0\}$/, '');
  const typed = asyncFnPath(body.coroutineType);
  if (!typed || typed.includes('<')) return name;
  const segs = pathSegments(typed);
  const own = pathSegments(name);
  return own.length <= segs.length && namesItem(own, segs) ? typed : name;
}

function analyzedItem(
  base: Pick<AnalyzedItem, 'name' | 'kind' | 'crate' | 'file' | 'line' | 'column' | 'origin' | 'awaits'>,
  mir: MirCoroutine | undefined,
  layouts: FutureLayout[],
  findings: Finding[],
  source?: AsyncItem,
): JoinedItem {
  const sorted = [...layouts].sort((a, b) => b.bytes - a.bytes);
  const item: AnalyzedItem = {
    ...base,
    futureBytes: sorted[0] ? sorted[0].bytes : null,
    states: mir ? mir.states.length : null,
    suspendPoints: mir ? mir.suspendPoints.length : null,
    mirLines: mir ? mir.mirLines : null,
    basicBlocks: mir ? mir.basicBlocks : null,
    panicPaths: mir ? mir.panicPaths : null,
    layouts: sorted,
    heldAcrossAwait: [],
    duplicatedArgs: [],
    children: [],
    findings,
  };
  return { item, mir, source };
}

/**
 * Fills in what needs every crate's layouts at once: bytes held across each await (with the await's source
 * line from MIR), arguments stored twice, and the awaitee tree resolved to other items, across crates and
 * generic instantiations. Measured on each item's largest instantiation (of equal ones, the one holding the most).
 */
export function fillMeasures(joined: JoinedItem[], allLayouts: FutureLayout[]): void {
  const index = indexFutures(allLayouts);
  const owner = new Map<FutureLayout, string>();
  for (const { item } of joined) for (const l of item.layouts) owner.set(l, item.name);
  ownCopiesPrintedElsewhere(owner, allLayouts);
  for (const { item, mir } of joined) {
    const largest = item.layouts[0];
    if (!largest) continue;
    const measure = (l: FutureLayout) =>
      measureLayout(l, {
        index,
        awaitLines: mir ? awaitLinesOf(mir.suspendPoints) : undefined,
        itemOf: (x) => owner.get(x),
      });
    // Instantiations of one size (`transfer::<u16>` and `::<u32>` padded alike) can hold different amounts
    // across their awaits: of the largest ones, the one that holds the most is measured, and put first.
    let measured = largest;
    let m = measure(largest);
    for (const l of item.layouts.slice(1).filter((x) => x.bytes === largest.bytes)) {
      const other = measure(l);
      if (maxHeld(other.heldAcrossAwait) > maxHeld(m.heldAcrossAwait)) [measured, m] = [l, other];
    }
    item.layouts = [{ ...measured, states: m.states }, ...item.layouts.filter((l) => l !== measured)];
    // The layout's variants are the state machine's states. MIR can lack some: with panic=abort no arm of
    // the state switch leads to Panicked, yet rustc still lays the variant out (and counts it).
    if (item.states !== null) item.states = Math.max(item.states, m.states.length);
    item.heldAcrossAwait = m.heldAcrossAwait;
    item.duplicatedArgs = m.duplicatedArgs;
    item.children = m.children.map(({ layout: _layout, indirect: _indirect, ...child }) => child);
  }
}

/**
 * A member's future awaited in another member is printed there too, with its crate in front
 * (`{async fn body of driver::tiny_inline()}` in app's output, `{async fn body of tiny_inline()}` in
 * driver's). Such a copy of the same size belongs to the same item, so an awaitee that resolves to it is
 * linked to that item.
 */
function ownCopiesPrintedElsewhere(owner: Map<FutureLayout, string>, all: FutureLayout[]): void {
  const byName = new Map<string, { layout: FutureLayout; item: string }[]>();
  for (const [layout, item] of owner) {
    const list = byName.get(layout.typeName) ?? [];
    list.push({ layout, item });
    byName.set(layout.typeName, list);
  }
  const prefix = '{async fn body of ';
  for (const l of all) {
    if (owner.has(l) || !l.typeName.startsWith(prefix)) continue;
    let path = l.typeName.slice(prefix.length);
    for (
      let cut = path.indexOf('::');
      cut > 0 && !/[<({]/.test(path.slice(0, cut));
      cut = path.indexOf('::')
    ) {
      path = path.slice(cut + 2);
      const same = (byName.get(prefix + path) ?? []).filter((o) => o.layout.bytes === l.bytes);
      if (same.length === 0) continue;
      if (new Set(same.map((o) => o.item)).size === 1) owner.set(l, same[0]!.item);
      break;
    }
  }
}

function maxHeld(held: readonly { bytes: number }[]): number {
  return held.reduce((n, h) => Math.max(n, h.bytes), 0);
}

function itemForLayout(
  layout: FutureLayout,
  input: CrateInput,
  bySpan: Map<string, AsyncItem>,
): AsyncItem | undefined {
  const span = spanOfTypeName(layout.typeName);
  if (span) return bySpan.get(spanKey(input.buildRoot, span.file, span.line, span.column));
  const path = asyncFnPath(layout.typeName);
  if (path === undefined) return undefined;
  const want = pathSegments(path);
  const candidates = input.items.filter(
    (i) => i.kind === 'async-fn' && namesItem(want, pathSegments(i.name)),
  );
  if (candidates.length <= 1) return candidates[0];
  // Several items share the trimmed path: take the one whose full path agrees on the most segments.
  const exact = candidates.filter((i) => pathSegments(i.name).length === want.length);
  return exact.length === 1 ? exact[0] : undefined;
}

function containingItem(
  input: CrateInput,
  span: { file: string; line: number; column: number },
  eligible: (i: AsyncItem) => boolean,
): AsyncItem | undefined {
  const file = resolve(input.buildRoot, span.file);
  let best: AsyncItem | undefined;
  for (const i of input.items) {
    if (!eligible(i) || resolve(input.scanRoot, i.file) !== file) continue;
    const inside =
      (span.line > i.line || (span.line === i.line && span.column >= i.column)) &&
      (span.line < i.endLine || (span.line === i.endLine && span.column <= i.endColumn));
    if (inside && (!best || i.byteEnd - i.byteStart < best.byteEnd - best.byteStart)) best = i;
  }
  return best;
}

/**
 * Futures of generic or inlined dependency fns are laid out in the crate that instantiates them, where
 * rustc prints them with their crate prefix and public (re-exported) path:
 * `{async fn body of tokio::sync::mpsc::Sender<u32>::send()}` for tokio's `sync::mpsc::bounded::Sender::send`.
 * Such a layout goes to the item of that crate with the same path, or, failing that, the only item of that
 * crate whose last two path segments (type and method, or module and fn) agree.
 */
/** `printed` is `item` with some module segments left out: its last two equal, its others in order within. */
function reexportNames(printed: string[], item: string[]): boolean {
  if (printed.length < 3 || printed.length > item.length) return false;
  if (!namesItem(printed.slice(-2), item)) return false;
  let k = 0;
  for (const seg of item.slice(0, -2)) if (seg === printed[k]) k++;
  return k === printed.length - 2;
}

export function attachForeignLayouts(joined: JoinedItem[], foreign: FutureLayout[]): void {
  const byCrate = new Map<string, JoinedItem[]>();
  for (const j of joined) {
    const list = byCrate.get(j.item.crate) ?? [];
    list.push(j);
    byCrate.set(j.item.crate, list);
  }
  for (const layout of foreign) {
    const path = asyncFnPath(layout.typeName);
    if (path === undefined) continue;
    const [crate, ...rest] = pathSegments(path);
    const candidates = (crate === undefined ? [] : (byCrate.get(crate) ?? [])).filter(
      (j) => j.item.kind === 'async-fn',
    );
    const segs = (j: JoinedItem) => pathSegments(j.item.name);
    let hits = candidates.filter((j) => namesItem(rest, segs(j)));
    // A re-export drops modules (`sync::mpsc::Receiver::recv` for `sync::mpsc::bounded::Receiver::recv`):
    // the printed modules in order within the item's, type and method equal. broadcast's `Receiver::recv`
    // is not mpsc's.
    if (hits.length !== 1) hits = candidates.filter((j) => reexportNames(rest, segs(j)));
    if (hits.length !== 1) hits = candidates.filter((j) => namesItem(rest.slice(-2), segs(j)));
    // A free fn re-exported from its own module (`hyper::body::to_bytes` is `body::to_bytes::to_bytes`):
    // the fn name alone, when exactly one async fn of the crate has it. Only for a free fn (the segment
    // before it a module, lower case): a method's type must match, or another type's method would do.
    const freeFn = rest.length < 2 || /^[a-z_]/.test(rest[rest.length - 2]!);
    if (hits.length !== 1 && freeFn) hits = candidates.filter((j) => namesItem(rest.slice(-1), segs(j)));
    const target = hits.length === 1 ? hits[0]!.item : undefined;
    if (!target) continue;
    // The same instantiation printed by its own crate (without the prefix) and by a user crate (with it).
    const local = layout.typeName.split(`${crate}::`).join('');
    if (target.layouts.some((l) => l.typeName === layout.typeName || l.typeName === local)) continue;
    target.layouts.push(layout);
    target.layouts.sort((a, b) => b.bytes - a.bytes);
    target.futureBytes = target.layouts[0]!.bytes;
  }
}
