// What the fixes saved, measured: two AnalysisReports of the same crate — before and after `fix` — compared
// item by item. Pairing and the shared metrics come from budget/diff.ts (the `diff` command's comparison);
// this adds what `savings` reports on top: MIR lines, poll-fn bytes, panic-site bytes, and .text per crate.
// A coroutine the fixes removed (a ready future or a forwarded call now) counts as 0 after: it is gone.
import { diffReports, type ItemDiff, itemKey, type MetricDelta, type ReportSide } from '../budget/diff.ts';
import type { AnalysisReport, AnalyzedItem } from '../model/report.ts';
import type { AppliedFix } from './fix-loop.ts';

export const SAVINGS_SCHEMA_VERSION = 1;

export interface ItemSavings {
  crate: string;
  name: string;
  kind: ItemDiff['kind'];
  /** `removed`: the fixes turned the coroutine into plain code; its after-values are 0. */
  status: ItemDiff['status'];
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

export interface CrateSavings {
  name: string;
  textBytes: MetricDelta;
  asyncCodeBytes: MetricDelta;
  futureBytes: MetricDelta;
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
  /** Sums over the items where both sides were measured (removed items count 0 after). */
  totals: Record<Metric, MetricDelta>;
  crates: CrateSavings[];
  /** Estimated -Zasync-panic saving over all items, before and after the fixes. */
  asyncPanic: MetricDelta;
  warnings: string[];
}

function delta(before: number | null | undefined, after: number | null | undefined): MetricDelta {
  const b = before ?? null;
  const a = after ?? null;
  return { base: b, head: a, delta: b === null || a === null ? null : a - b };
}

function pollBytes(item: AnalyzedItem): number | null {
  if (!item.code) return null;
  return item.code.parts.filter((p) => p.kind === 'poll').reduce((n, p) => n + p.bytes, 0);
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

function itemSavings(row: ItemDiff, before: AnalysisReport, after: AnalysisReport): ItemSavings {
  const b =
    row.status === 'added'
      ? undefined
      : findItem(before, row, row.status === 'removed' ? row.line : row.baseLine);
  const a = row.status === 'removed' ? undefined : findItem(after, row, row.line);
  const value = (m: Metric, item: AnalyzedItem | undefined, gone: boolean) =>
    item ? (METRIC_OF[m](item) ?? null) : gone ? 0 : null;
  const out = {
    crate: row.crate,
    name: row.name,
    kind: row.kind,
    status: row.status,
    ...(row.file !== undefined ? { file: row.file } : {}),
    ...(row.line !== undefined ? { line: row.line } : {}),
  } as ItemSavings;
  for (const m of SAVINGS_METRICS) {
    // A removed item's "before" must be a measurement for its 0 to mean anything.
    const bv = value(m, b, false);
    out[m] = delta(bv, value(m, a, row.status === 'removed' && bv !== null));
  }
  return out;
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

export function compareReports(
  before: AnalysisReport,
  after: AnalysisReport,
  fixes: AppliedFix[] = [],
): Savings {
  const diff = diffReports(before, after);
  const all = diff.items.map((row) => itemSavings(row, before, after));
  const items = all.filter(
    (i) => i.status !== 'unchanged' || SAVINGS_METRICS.some((m) => i[m].delta !== null && i[m].delta !== 0),
  );
  const totals = Object.fromEntries(SAVINGS_METRICS.map((m) => [m, total(all, m)])) as Record<
    Metric,
    MetricDelta
  >;
  const crateNames = [...new Set([...before.crates, ...after.crates].map((c) => c.name))].sort();
  const crates = crateNames.map((name) => {
    const b = before.crates.find((c) => c.name === name);
    const a = after.crates.find((c) => c.name === name);
    return {
      name,
      textBytes: delta(b?.textBytes, a?.textBytes),
      asyncCodeBytes: delta(b?.asyncCodeBytes, a?.asyncCodeBytes),
      futureBytes: delta(b?.futureBytes, a?.futureBytes),
    };
  });
  return {
    schemaVersion: SAVINGS_SCHEMA_VERSION,
    before: diff.base,
    after: diff.head,
    fixes,
    unmeasured: [],
    items,
    totals,
    crates,
    asyncPanic: delta(sumPanic(before), sumPanic(after)),
    warnings: diff.warnings.filter(
      (w) => !w.startsWith('toolchains differ') || before.build.toolchain !== after.build.toolchain,
    ),
  };
}
