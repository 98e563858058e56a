// The view model the HTML report embeds as JSON: a report (scan or analysis) flattened into what the page
// draws. Computed in Node so the page only lays out and never has to interpret compiler output. Pure:
// source text comes in through `readSource`, nothing is read from disk here.
import { asyncFnPath, namesItem, pathSegments } from '../../analyze/item-keys.ts';
import { runtimeCodeBytes } from '../../measure/code-parts.ts';
import { type GoalRow, goalEstimate } from '../../measure/goal-estimate.ts';
import { frameOutgrowsFuture, LARGE_FRAME_ADVICE } from '../../measure/stack-use.ts';
import type { AsyncKind } from '../../model/async-item.ts';
import type { Finding } from '../../model/finding.ts';
import type { AnalysisReport, AnalyzedItem, FutureLayout, ScanReport } from '../../model/report.ts';
import { coroutineKind, spanOfTypeName } from '../../readers/mir-span.ts';
import { compareText } from '../../text-order.ts';
import { boxAdviceLine } from '../box-text.ts';
import { describeBuild } from '../build-line.ts';
import { asyncTextShare } from '../markdown.ts';
import { missingStackReason, stackSummary } from '../stack-text.ts';
import {
  biggestTaskNote,
  DERIVED_NOTE,
  poolCell,
  STATIC_FUTURES_HEAD,
  slotCell,
  staticFutureRows,
  staticFuturesHeadline,
  taskHeadline,
} from '../task-text.ts';
import { formatBytes } from '../text-table.ts';
import { type DiffLine, fixDiff, rebaseEdits } from './fix-diff.ts';
import { type Snippet, snippetFor } from './snippet.ts';

export type { Snippet } from './snippet.ts';

/** Field of a state, as a tuple to keep 2,000-item pages small: [name, kind, offset, bytes, type]. */
export type PageField = [
  name: string,
  kind: 'upvar' | 'local' | 'awaitee' | 'padding',
  offset: number,
  bytes: number,
  type: string,
];

export interface PageState {
  name: string;
  bytes: number;
  awaitLine: number | null;
  /** Indexes into PageLayout.fields. */
  fields: number[];
}

export interface PageLayout {
  typeName: string;
  bytes: number;
  alignment: number;
  discriminantBytes: number;
  /** How many monomorphic instances rustc printed; the page shows the largest. */
  instances: number;
  /**
   * Distinct fields of all states. Upvars repeat in every state (rustc prints them in each variant), so states
   * refer to fields by index instead of repeating them.
   */
  fields: PageField[];
  states: PageState[];
}

export interface PageChild {
  /** As rustc printed it, e.g. `{async fn body of driver::tiny_inline()}`. */
  typeName: string;
  /** What the page shows: the item's name when `item` is set, else `typeName` cleaned up (see awaiteeLabel). */
  label: string;
  bytes: number;
  /** Index into PageData.items when the awaitee is one of the analysed items. */
  item: number | null;
  state: string;
}

export interface PageItem {
  name: string;
  kind: AsyncKind;
  crate: string | null;
  file: string | null;
  line: number | null;
  column: number | null;
  awaits: number | null;
  futureBytes: number | null;
  states: number | null;
  suspendPoints: number | null;
  heldMax: number | null;
  /** Own code (poll fns, drop glue) plus `runtimeBytes`. */
  codeBytes: number | null;
  /** The runtime's code instantiated for this future (see runtimeCodeBytes). */
  runtimeBytes: number | null;
  inlined: boolean;
  panicBytes: number | null;
  /** Box advice (box-text.ts): its line, and the states whose await it boxes, each with what it saves. */
  boxAdvice: { line: string; boxed: { state: string; text: string }[] } | null;
  /** Stack bytes per poll, as text (stack-text.ts); null without code, `frames` null when unknown. */
  stack: { frames: string | null; why: string | null; note: string | null; entry: string | null } | null;
  /** Present only when rustc said so (MIR): resumed-after-completion / after-panic panic paths. */
  panicPaths: { resumedAfterCompletion: boolean; resumedAfterPanic: boolean } | null;
  layout: PageLayout | null;
  /** Bytes held across each await, by state name. */
  held: { state: string; line: number | null; bytes: number }[];
  duplicatedArgs: { name: string; bytes: number }[];
  children: PageChild[];
  snippet: Snippet | null;
  /** Indexes into PageData.findings. */
  findings: number[];
}

export type { DiffLine } from './fix-diff.ts';

export interface PageFinding {
  rule: string;
  severity: 'warning' | 'error';
  message: string;
  help: string;
  file: string;
  line: number;
  column: number;
  item: number | null;
  fix: {
    description: string;
    /** `maybe-incorrect`: `fix --write` leaves it out unless `--allow-eager` (see model/finding.ts). */
    applicability: 'machine-applicable' | 'maybe-incorrect';
    caveat: string | null;
    diff: DiffLine[];
  } | null;
}

export interface PageNotice {
  /** What could not be read fully, e.g. `12 line(s) of MIR could not be parsed; first: "..."`. */
  text: string;
}

export interface PageSummary {
  asyncItems: number;
  /** Sum over all items: a future awaited by another item is counted again inside its awaiter. */
  totalFutureBytes: number | null;
  /** Sum over the futures no other analysed item awaits (the treemap's top level). */
  rootFutureBytes: number | null;
  /** Async code of all crates, and the `.text` of the one artifact they were measured in (counted once). */
  asyncCodeBytes: number | null;
  textBytes: number | null;
  panicPathBytes: number | null;
  findingsByRule: { rule: string; count: number; description: string | null }[];
}

export interface PageData {
  kind: 'analysis' | 'scan';
  title: string;
  root: string;
  toolVersion: string;
  build: string | null;
  summary: PageSummary;
  items: PageItem[];
  findings: PageFinding[];
  notices: PageNotice[];
  /** What the async compiler goals would save (rows that count something); empty for a scan. */
  goals: GoalRow[];
  /** RAM per task (task-text.ts), as text; null when the build has no task statics. */
  tasks: { headline: string; rows: string[][]; notes: string[] } | null;
  /** Statics other than task pools that hold a future: `STATIC_FUTURES_HEAD` columns. */
  staticFutures: { headline: string; head: string[]; rows: string[][] } | null;
}

export interface PageOptions {
  readSource(file: string): string | undefined;
  /** Rule descriptions for the findings-per-rule summary, by rule id. */
  ruleDescriptions?: ReadonlyMap<string, string>;
}

export function isAnalysis(report: AnalysisReport | ScanReport): report is AnalysisReport {
  return 'build' in report;
}

/** Reads each file once: 2,000 items usually live in a few dozen files. */
function cachedReader(read: (file: string) => string | undefined): (file: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (file) => {
    if (!cache.has(file)) cache.set(file, read(file));
    return cache.get(file);
  };
}

function largestLayout(layouts: FutureLayout[]): PageLayout | null {
  if (layouts.length === 0) return null;
  const l = layouts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const fields: PageField[] = [];
  const seen = new Map<string, number>();
  const ref = (f: PageField): number => {
    const key = JSON.stringify(f);
    let i = seen.get(key);
    if (i === undefined) {
      i = fields.push(f) - 1;
      seen.set(key, i);
    }
    return i;
  };
  const states = l.states.map((s) => ({
    name: s.name,
    bytes: s.bytes,
    awaitLine: s.awaitLine ?? null,
    fields: s.fields.map((f) => ref([f.name, f.kind, f.offset, f.bytes, f.type ?? ''])),
  }));
  return {
    typeName: l.typeName,
    bytes: l.bytes,
    alignment: l.alignment,
    discriminantBytes: l.discriminantBytes,
    instances: layouts.length,
    fields,
    states,
  };
}

function pageFinding(
  f: Finding,
  item: number | null,
  read: (file: string) => string | undefined,
): PageFinding {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    help: f.help,
    file: f.file,
    line: f.line,
    column: f.column,
    item,
    fix: f.fix
      ? {
          description: f.fix.description,
          applicability: f.fix.applicability,
          caveat: f.fix.caveat ?? null,
          diff: fixDiff(rebaseEdits(f.file, f.fix.edits, read), read),
        }
      : null,
  };
}

function summarise(items: PageItem[], findings: PageFinding[], opts: PageOptions): PageSummary {
  const perRule = new Map<string, number>();
  for (const f of findings) perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
  const sizes = items.map((i) => i.futureBytes).filter((b): b is number => b !== null);
  const panic = items.map((i) => i.panicBytes).filter((b): b is number => b !== null);
  return {
    asyncItems: items.length,
    totalFutureBytes: sizes.length ? sizes.reduce((a, b) => a + b, 0) : null,
    rootFutureBytes: null,
    asyncCodeBytes: null,
    textBytes: null,
    panicPathBytes: panic.length ? panic.reduce((a, b) => a + b, 0) : null,
    findingsByRule: [...perRule]
      .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
      .map(([rule, count]) => ({ rule, count, description: opts.ruleDescriptions?.get(rule) ?? null })),
  };
}

function scanNotices(stats: ScanReport['stats']): PageNotice[] {
  const notices: PageNotice[] = [];
  if (stats.filesWithParseErrors.length > 0) {
    notices.push({
      text: `${stats.filesWithParseErrors.length} file(s) parsed with errors, results there are partial; first: ${stats.filesWithParseErrors[0]}`,
    });
  }
  if (stats.skipped.length > 0) {
    const s = stats.skipped[0]!;
    notices.push({ text: `${stats.skipped.length} file(s) skipped; first: ${s.file}: ${s.reason}` });
  }
  return notices;
}

/**
 * The text shown for an awaitee that is not one of the analysed items: rustc's type name without its braces.
 * `{async fn body of driver::tiny_inline()}` → `driver::tiny_inline`, `{async block@src/a.rs:4:5: 6:6}` →
 * `async block at src/a.rs:4`; other types (`core::future::Ready<u8>`) as printed.
 */
export function awaiteeLabel(typeName: string): string {
  const path = asyncFnPath(typeName);
  if (path !== undefined) return path;
  const kind = coroutineKind(typeName);
  const span = spanOfTypeName(typeName);
  if (span && kind === 'async-block') return `async block at ${span.file}:${span.line}`;
  if (span && kind === 'async-closure') return `async closure at ${span.file}:${span.line}`;
  return typeName;
}

function sameFile(a: string, b: string): boolean {
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

/**
 * Finds the item an awaitee is when the analysis left it unresolved: an `async fn` of another crate of the
 * report, which rustc prints with its crate (`{async fn body of driver::tiny_inline()}` for `tiny_inline` of
 * crate `driver`), or a block or closure by its span. Only an unambiguous match counts.
 */
function awaiteeResolver(items: AnalyzedItem[]): (typeName: string, awaiter: number) => number | null {
  const segments = items.map((it) => pathSegments(it.name));
  // Indexed once: a report can have thousands of items, each with unresolved awaitees.
  const byCrateAndName = new Map<string, number[]>();
  const byPosition = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, key: string, k: number) => {
    const list = map.get(key);
    if (list) list.push(k);
    else map.set(key, [k]);
  };
  items.forEach((it, k) => {
    push(byCrateAndName, `${it.crate.replace(/-/g, '_')}\0${segments[k]!.at(-1)}`, k);
    if (it.file && it.line !== undefined) push(byPosition, `${it.line}:${it.column}`, k);
  });
  return (typeName, awaiter) => {
    const path = asyncFnPath(typeName);
    let found: number[] = [];
    if (path !== undefined) {
      const [crate, ...rest] = pathSegments(path);
      found = (byCrateAndName.get(`${crate}\0${rest.at(-1)}`) ?? []).filter(
        (k) => rest.length === segments[k]!.length && namesItem(rest, segments[k]!),
      );
    } else {
      const span = spanOfTypeName(typeName);
      if (span)
        found = (byPosition.get(`${span.line}:${span.column}`) ?? []).filter((k) =>
          sameFile(items[k]!.file!, span.file),
        );
    }
    found = found.filter((k) => k !== awaiter);
    return found.length === 1 ? found[0]! : null;
  };
}

/** Items with a future that no other item awaits: what the program itself holds (the treemap's top level). */
function rootItems(items: PageItem[]): number[] {
  const awaited = new Set(items.flatMap((i) => i.children.map((c) => c.item)));
  return items.flatMap((it, k) => ((it.futureBytes ?? 0) > 0 && !awaited.has(k) ? [k] : []));
}

function pageTasks(report: AnalysisReport): PageData['tasks'] {
  const headline = taskHeadline(report);
  if (!headline) return null;
  const tasks = report.tasks!;
  const biggest = biggestTaskNote(report);
  return {
    headline,
    rows: tasks.map((t) => [
      formatBytes(t.bytes),
      poolCell(t),
      slotCell(t),
      t.name,
      t.file ? `${t.file}:${t.line}` : '',
    ]),
    notes: [
      ...(biggest ? [biggest] : []),
      ...(tasks.some((t) => t.poolSizeSource === 'derived') ? [DERIVED_NOTE] : []),
    ],
  };
}

function pageStaticFutures(report: AnalysisReport): PageData['staticFutures'] {
  const headline = staticFuturesHeadline(report);
  return headline ? { headline, head: STATIC_FUTURES_HEAD, rows: staticFutureRows(report) } : null;
}

function pageBoxAdvice(it: AnalyzedItem): PageItem['boxAdvice'] {
  const line = boxAdviceLine(it);
  if (!it.boxAdvice || line === undefined) return null;
  return {
    line: `${line} (estimated from the layout)`,
    boxed: it.boxAdvice.boxes.map((b) => ({
      state: b.state,
      text: `Box::pin the await of ${b.callee} (${formatBytes(b.awaiteeBytes)}): ${formatBytes(b.beforeBytes)} → ${formatBytes(b.afterBytes)}`,
    })),
  };
}

function pageStack(it: AnalyzedItem, build: AnalysisReport['build']): PageItem['stack'] {
  if (it.code === undefined) return null;
  const entry = it.stack?.entryFrames.find((e) => e.frameBytes > 0);
  return {
    frames: it.stack ? stackSummary(it.stack) : null,
    why: missingStackReason(it, build) ?? null,
    note: it.stack && frameOutgrowsFuture(it.stack) ? LARGE_FRAME_ADVICE : null,
    entry: entry ? `${formatBytes(entry.frameBytes)} in ${entry.symbol}` : null,
  };
}

function fromAnalysis(report: AnalysisReport, opts: PageOptions): PageData {
  const read = cachedReader(opts.readSource);
  const index = new Map(report.items.map((it, i) => [it.name, i]));
  const resolve = awaiteeResolver(report.items);
  const findings: PageFinding[] = [];
  const items = report.items.map((it: AnalyzedItem, i): PageItem => {
    const mine = it.findings.map((f) => findings.push(pageFinding(f, i, read)) - 1);
    const held = it.heldAcrossAwait.map((h) => ({ state: h.state, line: h.line ?? null, bytes: h.bytes }));
    const layout = largestLayout(it.layouts);
    const awaitLines = layout?.states.map((s) => s.awaitLine).filter((l): l is number => l !== null) ?? [];
    return {
      name: it.name,
      kind: it.kind,
      crate: it.crate,
      file: it.file ?? null,
      line: it.line ?? null,
      column: it.column ?? null,
      awaits: it.awaits ?? null,
      futureBytes: it.futureBytes,
      states: it.states,
      suspendPoints: it.suspendPoints,
      heldMax: held.length ? Math.max(...held.map((h) => h.bytes)) : null,
      codeBytes: it.code ? it.code.codeBytes : null,
      runtimeBytes: it.code ? runtimeCodeBytes(it.code) : null,
      inlined: it.code?.inlined ?? false,
      panicBytes: it.panicSites ? it.panicSites.bytes : null,
      stack: pageStack(it, report.build),
      boxAdvice: pageBoxAdvice(it),
      panicPaths: it.panicPaths,
      layout,
      held,
      duplicatedArgs: it.duplicatedArgs,
      children: it.children.map((c): PageChild => {
        const item = (c.item !== undefined ? index.get(c.item) : undefined) ?? resolve(c.typeName, i);
        const label = item !== null ? report.items[item]!.name : awaiteeLabel(c.typeName);
        return { typeName: c.typeName, label, bytes: c.bytes, item, state: c.state };
      }),
      snippet:
        it.file && it.line
          ? snippetFor(read(it.file), { line: it.line, column: it.column ?? 1 }, awaitLines)
          : null,
      findings: mine,
    };
  });
  const summary = summarise(items, findings, opts);
  const roots = rootItems(items).map((k) => items[k]!.futureBytes ?? 0);
  if (summary.totalFutureBytes !== null) summary.rootFutureBytes = roots.reduce((a, b) => a + b, 0);
  const share = asyncTextShare(report);
  if (share) {
    summary.textBytes = share.textBytes;
    summary.asyncCodeBytes = share.asyncCodeBytes;
  }
  const b = report.build;
  return {
    kind: 'analysis',
    title: report.crates.map((c) => c.name).join(', ') || report.root,
    root: report.root,
    toolVersion: report.tool.version,
    build: describeBuild(b),
    summary,
    items,
    findings,
    goals: goalEstimate(report).total.filter((r) => r.items > 0),
    tasks: pageTasks(report),
    staticFutures: pageStaticFutures(report),
    notices: [
      ...report.unparsed.map((u) => ({
        text: `${u.count} line(s) of ${u.source} could not be parsed; first: ${JSON.stringify(u.example)}`,
      })),
      ...scanNotices(report.scan),
    ],
  };
}

function fromScan(report: ScanReport, opts: PageOptions): PageData {
  const read = cachedReader(opts.readSource);
  const index = new Map(report.items.map((it, i) => [it.name, i]));
  const findings = report.findings.map((f) =>
    pageFinding(f, f.item !== undefined ? (index.get(f.item) ?? null) : null, read),
  );
  const items = report.items.map(
    (it, i): PageItem => ({
      name: it.name,
      kind: it.kind,
      crate: null,
      file: it.file,
      line: it.line,
      column: it.column,
      awaits: it.awaits,
      futureBytes: null,
      states: null,
      suspendPoints: null,
      heldMax: null,
      codeBytes: null,
      runtimeBytes: null,
      inlined: false,
      panicBytes: null,
      stack: null,
      boxAdvice: null,
      panicPaths: null,
      layout: null,
      held: [],
      duplicatedArgs: [],
      children: [],
      snippet: snippetFor(read(it.file), it, [], it.awaitSites),
      findings: findings.flatMap((f, k) => (f.item === i ? [k] : [])),
    }),
  );
  return {
    kind: 'scan',
    title: report.root.split(/[\\/]/).filter(Boolean).pop() ?? report.root,
    root: report.root,
    toolVersion: report.tool.version,
    build: null,
    summary: summarise(items, findings, opts),
    items,
    findings,
    goals: [],
    tasks: null,
    staticFutures: null,
    notices: scanNotices(report.stats),
  };
}

export function pageData(report: AnalysisReport | ScanReport, opts: PageOptions): PageData {
  return isAnalysis(report) ? fromAnalysis(report, opts) : fromScan(report, opts);
}
