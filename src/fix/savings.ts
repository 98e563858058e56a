// What the fixes saved, measured: two AnalysisReports of the same crate — before and after `fix` — compared
// item by item. Pairing and the shared metrics come from budget/diff.ts (the `diff` command's comparison);
// this adds what `savings` reports on top: MIR lines, poll-fn bytes, panic-site bytes, and .text per crate.
// A coroutine the fixes removed is one of two things after. `replaced`: the fn still returns a future, only
// not a coroutine (`core::future::ready(..)`'s `Ready<T>`, or the future of the call it forwarded), which its
// callers hold inside their own futures; rustc lays out no coroutine for it, so its future size after is not
// measured (null), never 0. `async-dropped`: `async` and every `.await` on it are gone, no future is left,
// and 0 is right. Its states, MIR lines, poll fn and panic sites are gone either way (0 after).
// The RAM figure is the root futures per crate: the items no other analysed item awaits (what an executor or
// `block_on` holds). A sum over all items counts an awaited child's bytes in its awaiter too.

import { itemKey } from '../analyze/item-keys.ts';
import { formatDelta } from '../budget/delta-text.ts';
import {
  diffReports,
  type ItemDiff,
  type MetricDelta,
  metricDelta,
  type ReportSide,
} from '../budget/diff.ts';
import { signedBytes } from '../budget/units.ts';
import { partBytes } from '../measure/code-parts.ts';
import { rootItems } from '../measure/root-futures.ts';
import type { AnalysisReport, AnalyzedItem } from '../model/report.ts';
import type { AppliedFix } from './fix-loop.ts';

export const SAVINGS_SCHEMA_VERSION = 1;

export interface ItemSavings {
  crate: string;
  name: string;
  kind: ItemDiff['kind'];
  /** `removed`: the fixes turned the coroutine into something else; `removal` says what. */
  status: ItemDiff['status'];
  /**
   * For removed items (null otherwise). `replaced`: the fn still returns a future that is not a coroutine
   * (`Ready<T>`, or the future of the call it forwarded): `futureBytes.head` is null, the other after-values
   * 0. `async-dropped`: `async` and the `.await`s on it were removed, no future is left: every after-value 0.
   */
  removal: Removal | null;
  file?: string;
  line?: number;
  futureBytes: MetricDelta;
  states: MetricDelta;
  mirLines: MetricDelta;
  /** Bytes of the item's own poll fn(s) in the binary. */
  pollBytes: MetricDelta;
  /** Poll fns + drop glue + runtime instantiations. */
  codeBytes: MetricDelta;
  /** Estimated bytes of the "async fn resumed after ..." panic call sites (what -Zasync-panic would save). */
  panicBytes: MetricDelta;
}

export type Removal = 'replaced' | 'async-dropped';

export interface CrateSavings {
  name: string;
  textBytes: MetricDelta;
  asyncCodeBytes: MetricDelta;
  /**
   * The RAM figure: summed future bytes of the crate's root futures (items no other analysed item awaits).
   * Roots the fixes replaced (their future is no coroutine any more, not measured) are left out of both
   * sides and named in `replacedRoots`; so is an item that is a root after only because the root that
   * awaited it was replaced (it is that root's forwarded future now).
   */
  rootFutureBytes: MetricDelta;
  /** Roots left out of `rootFutureBytes` because the fixes replaced them. */
  replacedRoots: string[];
  /**
   * Sum over the crate's items measured on both sides: nested futures are counted in their awaiters too,
   * so this is not memory; replaced items are left out of both sides, async-dropped ones count 0 after.
   */
  futureBytes: MetricDelta;
  /** Sum of the crate's items' `codeBytes` deltas (code outside the items is in `textBytes` only). */
  itemCodeBytes: MetricDelta;
}

type Metric = 'futureBytes' | 'states' | 'mirLines' | 'pollBytes' | 'codeBytes' | 'panicBytes';
export const SAVINGS_METRICS: readonly Metric[] = [
  'futureBytes',
  'states',
  'mirLines',
  'pollBytes',
  'codeBytes',
  'panicBytes',
];

export interface Savings {
  schemaVersion: number;
  before: ReportSide;
  after: ReportSide;
  /** The fixes applied to the copy that was built as "after". */
  fixes: AppliedFix[];
  /** Those of `fixes` in files the measured build does not compile (tests, unselected examples). */
  unmeasured: AppliedFix[];
  /** Items whose numbers changed, or that were removed or added. */
  items: ItemSavings[];
  /**
   * Sums over the items where both sides were measured (async-dropped items count 0 after, replaced items'
   * futureBytes are left out of both sides). `futureBytes` counts nested futures in their awaiters too: the
   * memory figure is `crates[].rootFutureBytes`.
   */
  totals: Record<Metric, MetricDelta>;
  crates: CrateSavings[];
  /** Estimated -Zasync-panic saving over all items, before and after the fixes. */
  asyncPanic: MetricDelta;
  /** With `--box`: each advised future's estimate beside what the boxed build measured. */
  box?: BoxEstimate[];
  warnings: string[];
}

/** Box advice checked against a real build: the estimate from the layout and rustc's size once boxed. */
export interface BoxEstimate {
  item: string;
  crate: string;
  /** Root futures are listed too: the memory figure. */
  root: boolean;
  beforeBytes: number;
  estimatedBytes: number;
  /** rustc's size of the boxed build; null when the item has no layout after. */
  measuredBytes: number | null;
  /**
   * The poll fn's stack frame (`.stack_sizes`) before and after, measured: a boxed awaitee is no longer
   * built on the stack and moved into the state, so boxing shrinks the frame too. Null when unknown.
   */
  pollFrameBytes: { before: number | null; after: number | null };
}

/**
 * The estimates of `before`'s box advice (and of the root futures it shrinks) beside the sizes `after`
 * measured, every box of every advice applied together.
 */
export function boxEstimates(before: AnalysisReport, after: AnalysisReport): BoxEstimate[] {
  const afterByKey = new Map(after.items.map((i) => [itemKey(i), i]));
  const roots = rootItems(before);
  const estimate = new Map<AnalyzedItem, number>();
  for (const i of before.items) {
    const a = i.boxAdvice;
    if (!a || a.boxes.length === 0) continue;
    estimate.set(i, a.afterBytes);
    for (const r of a.roots) {
      const root = before.items.find((x) => x.name === r.item && roots.has(x));
      // Several advices shrink one root: the smallest estimate is the one with every box in.
      if (root) estimate.set(root, Math.min(estimate.get(root) ?? Number.POSITIVE_INFINITY, r.afterBytes));
    }
  }
  return [...estimate].map(([i, est]) => ({
    item: i.name,
    crate: i.crate,
    root: roots.has(i),
    beforeBytes: i.futureBytes ?? 0,
    estimatedBytes: est,
    measuredBytes: afterByKey.get(itemKey(i))?.futureBytes ?? null,
    pollFrameBytes: {
      before: i.stack?.pollFrameBytes ?? null,
      after: afterByKey.get(itemKey(i))?.stack?.pollFrameBytes ?? null,
    },
  }));
}

function pollBytes(item: AnalyzedItem): number | null {
  return item.code ? partBytes(item.code, 'poll') : null;
}

const METRIC_OF: Record<Metric, (i: AnalyzedItem) => number | null | undefined> = {
  futureBytes: (i) => i.futureBytes,
  states: (i) => i.states,
  mirLines: (i) => i.mirLines,
  pollBytes,
  codeBytes: (i) => i.code?.codeBytes,
  panicBytes: (i) => i.panicSites?.bytes,
};

/** The report's item a diff row describes (rows carry crate, name, kind and a location, not the item). */
function findItem(report: AnalysisReport, row: ItemDiff, line: number | undefined): AnalyzedItem | undefined {
  const key = itemKey(row);
  return report.items.find(
    (i) => itemKey(i) === key && i.line === line && (line === undefined || i.file !== undefined),
  );
}

/**
 * What a removed item became. Only the `no-await` rewrite that also removes the callers' `.await`s
 * (no-await-callers.ts, "drop `async` from `f` and the `.await` at its N call sites") leaves no
 * future; every other fix that removes a coroutine keeps a future-returning signature. A removed item no
 * applied fix names is taken as replaced: without knowing, its future is not claimed to be gone.
 */
function removalOf(row: ItemDiff, fixes: readonly AppliedFix[]): Removal {
  const own = fixes.filter((f) => f.item === row.name);
  return own.length > 0 && own.every((f) => ASYNC_DROPPED.test(f.description)) ? 'async-dropped' : 'replaced';
}
const ASYNC_DROPPED = /^drop `async` from /;

interface Paired {
  row: ItemDiff;
  savings: ItemSavings;
  before: AnalyzedItem | undefined;
  after: AnalyzedItem | undefined;
}

function itemSavings(
  row: ItemDiff,
  before: AnalysisReport,
  after: AnalysisReport,
  fixes: readonly AppliedFix[],
): Paired {
  const b =
    row.status === 'added'
      ? undefined
      : findItem(before, row, row.status === 'removed' ? row.line : row.baseLine);
  const a = row.status === 'removed' ? undefined : findItem(after, row, row.line);
  const removal = row.status === 'removed' ? removalOf(row, fixes) : null;
  const out = {
    crate: row.crate,
    name: row.name,
    kind: row.kind,
    status: row.status,
    removal,
    ...(row.file !== undefined ? { file: row.file } : {}),
    ...(row.line !== undefined ? { line: row.line } : {}),
  } as ItemSavings;
  for (const m of SAVINGS_METRICS) {
    const bv = b ? (METRIC_OF[m](b) ?? null) : null;
    // A removed item's "before" must be a measurement for its 0 to mean anything; a replaced item still
    // returns a future, one rustc does not lay out as a coroutine: its size after is unknown, not 0.
    const gone = removal !== null && bv !== null && !(m === 'futureBytes' && removal === 'replaced');
    out[m] = metricDelta(bv, a ? (METRIC_OF[m](a) ?? null) : gone ? 0 : null);
  }
  return { row, savings: out, before: b, after: a };
}

function total(items: ItemSavings[], m: Metric): MetricDelta {
  const measured = items.filter((i) => i[m].delta !== null);
  if (measured.length === 0) return { base: null, head: null, delta: null };
  const b = measured.reduce((n, i) => n + i[m].base!, 0);
  const a = measured.reduce((n, i) => n + i[m].head!, 0);
  return { base: b, head: a, delta: a - b };
}

function sumPanic(report: AnalysisReport): number | null {
  const sites = report.items.filter((i) => i.panicSites);
  return sites.length === 0 ? null : sites.reduce((n, i) => n + i.panicSites!.bytes, 0);
}

function sumDelta(pairs: [number, number][]): MetricDelta {
  if (pairs.length === 0) return { base: null, head: null, delta: null };
  const b = pairs.reduce((n, [x]) => n + x, 0);
  const a = pairs.reduce((n, [, y]) => n + y, 0);
  return { base: b, head: a, delta: a - b };
}

/**
 * Root futures of one crate, before and after, paired item by item (see CrateSavings.rootFutureBytes).
 * `forwarding`: some root (of any crate) was replaced, so an item that is a root after only may be the
 * future such a root forwards now.
 */
function rootFutures(
  paired: Paired[],
  beforeRoots: Set<AnalyzedItem>,
  afterRoots: Set<AnalyzedItem>,
  forwarding: boolean,
): { bytes: MetricDelta; replaced: string[] } {
  const pairs: [number, number][] = [];
  const replaced: string[] = [];
  for (const { savings: s, before: b, after: a } of paired) {
    const bRoot = b !== undefined && beforeRoots.has(b);
    const aRoot = a !== undefined && afterRoots.has(a);
    if (s.removal === 'replaced') {
      if (bRoot) replaced.push(s.name);
      continue;
    }
    if (forwarding && b !== undefined && !bRoot && aRoot) continue;
    if (!bRoot && !aRoot) continue;
    pairs.push([bRoot ? b.futureBytes! : 0, aRoot ? a.futureBytes! : 0]);
  }
  return { bytes: sumDelta(pairs), replaced };
}

export function compareReports(
  before: AnalysisReport,
  after: AnalysisReport,
  fixes: AppliedFix[] = [],
): Savings {
  const diff = diffReports(before, after);
  const paired = diff.items.map((row) => itemSavings(row, before, after, fixes));
  const all = paired.map((p) => p.savings);
  const items = all.filter(
    (i) => i.status !== 'unchanged' || SAVINGS_METRICS.some((m) => i[m].delta !== null && i[m].delta !== 0),
  );
  const totals = Object.fromEntries(SAVINGS_METRICS.map((m) => [m, total(all, m)])) as Record<
    Metric,
    MetricDelta
  >;
  const beforeRoots = rootItems(before);
  const afterRoots = rootItems(after);
  const forwarding = paired.some(
    (p) => p.savings.removal === 'replaced' && p.before !== undefined && beforeRoots.has(p.before),
  );
  const crateNames = [
    ...new Set([...before.crates, ...after.crates].map((c) => c.name).concat(all.map((i) => i.crate))),
  ].sort();
  const crates: CrateSavings[] = crateNames.map((name) => {
    const b = before.crates.find((c) => c.name === name);
    const a = after.crates.find((c) => c.name === name);
    const own = paired.filter((p) => p.savings.crate === name);
    const roots = rootFutures(own, beforeRoots, afterRoots, forwarding);
    const ownItems = own.map((p) => p.savings);
    return {
      name,
      textBytes: metricDelta(b?.textBytes, a?.textBytes),
      asyncCodeBytes: metricDelta(b?.asyncCodeBytes, a?.asyncCodeBytes),
      rootFutureBytes: roots.bytes,
      replacedRoots: roots.replaced,
      futureBytes: total(ownItems, 'futureBytes'),
      itemCodeBytes: total(ownItems, 'codeBytes'),
    };
  });
  const warnings = diff.warnings.filter(
    (w) => !w.startsWith('toolchains differ') || before.build.toolchain !== after.build.toolchain,
  );
  for (const k of crates) {
    if (k.textBytes.delta === null || k.textBytes.delta <= 0) continue;
    const items =
      k.itemCodeBytes.delta === null
        ? ''
        : ` while its items' own code changed by ${signedBytes(k.itemCodeBytes.delta)}`;
    // Boxing brings in the allocator's code; the rules' rewrites bring in `Ready::poll` and the like.
    const example = fixes.some((f) => f.rule === 'box-pin')
      ? '`Box::pin` and the allocator'
      : '`core::future::Ready::poll` and its panic path';
    warnings.push(
      `${k.name}: .text grew ${formatDelta(k.textBytes)}${items}: code the fixes bring in outside the items (e.g. ${example}) is not attributed to them, so the per-item code savings overstate what the binary saves`,
    );
  }
  return {
    schemaVersion: SAVINGS_SCHEMA_VERSION,
    before: diff.base,
    after: diff.head,
    fixes,
    unmeasured: [],
    items,
    totals,
    crates,
    asyncPanic: metricDelta(sumPanic(before), sumPanic(after)),
    warnings,
  };
}
