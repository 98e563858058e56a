// Compares two AnalysisReports item by item. Items are matched by crate + name + kind, never by line:
// moving an async fn inside its file (or to another file of the same module) must not look like a change.

import { itemKey } from '../analyze/item-keys.ts';
import { runtimeCodeBytes } from '../measure/code-parts.ts';
import { rootFutureBytes } from '../measure/root-futures.ts';
import type { AsyncKind } from '../model/async-item.ts';
import type { Finding } from '../model/finding.ts';
import type { AnalysisReport, AnalyzedItem } from '../model/report.ts';
import { compareText } from '../text-order.ts';
import { signedBytes } from './units.ts';

/** Version of the ReportDiff JSON document (`asyncbloat diff --format json`), independent of SCHEMA_VERSION. */
export const DIFF_SCHEMA_VERSION = 1;

export interface MetricDelta {
  base: number | null;
  head: number | null;
  /** head - base; null when either side was not measured. */
  delta: number | null;
}

/** One thing inside a future that got bigger (or appeared): a field held across an await, or an awaited child. */
export interface GrowthCause {
  what: 'field' | 'awaitee';
  /**
   * For fields: `upvar` (an argument or capture, stored from the start) or `local` (a variable of the body).
   * An argument used after an await can be both: rustc stores it twice (rust#62958), see `storedTwice`.
   */
  kind?: 'upvar' | 'local';
  /**
   * Field name as rustc prints it (`buf`, `.buf`), the awaited future's item/type name, or `(temporaries)` for
   * values rustc keeps across an await without a binding (`.coroutine_fieldN`): see `temporaries`.
   */
  name: string;
  /** The first state where head holds it at its largest, e.g. `Suspend0`. */
  state: string;
  /** Source line of that await in head, when known. */
  line?: number;
  /** Every state where head holds it at that size, `state` first (a field's size is the same in each). */
  states: string[];
  /** On the `local` copy of an argument that is also stored as an `upvar` (rust#62958). */
  storedTwice?: true;
  /**
   * For `name: '(temporaries)'`: how many unnamed compiler temporaries of `type` head holds in `state`. rustc
   * numbers them (`.coroutine_field7`) by position, and the number shifts when the fn changes elsewhere, so
   * they are matched by type (bytes when rustc printed no type) and counted, never by their number.
   */
  temporaries?: number;
  type?: string;
  baseBytes: number | null;
  headBytes: number;
  delta: number;
}

/** `symbol`: the poll fn is a symbol of its own; `inlined` into a caller; `no symbol`: nothing was linked. */
export type PollFnSymbol = 'symbol' | 'inlined' | 'no symbol';

function pollFnSymbol(item: AnalyzedItem): PollFnSymbol | undefined {
  if (!item.code) return undefined;
  if (!item.code.inlined) return 'symbol';
  return item.code.codeBytes === 0 ? 'no symbol' : 'inlined';
}

export type ItemStatus = 'changed' | 'unchanged' | 'added' | 'removed';

export interface ItemDiff {
  crate: string;
  name: string;
  kind: AsyncKind;
  status: ItemStatus;
  /** Where the item is in head (in base for removed items). */
  file?: string;
  line?: number;
  /** Line in base, when the item exists there too and has one. */
  baseLine?: number;
  futureBytes: MetricDelta;
  states: MetricDelta;
  /** Largest number of bytes held across one await. */
  heldBytes: MetricDelta;
  /**
   * All machine code attributed to the item, as the report's `code.codeBytes`: its own code plus the generic
   * code instantiated for its type. `ownCodeBytes` + `genericCodeBytes`.
   */
  codeBytes: MetricDelta;
  /** Its own code: poll fns and drop glue (analyze's `code` column). */
  ownCodeBytes: MetricDelta;
  /** Generic code monomorphised for its type: executor, `IntoFuture`, ... (CodePart kind `runtime`). */
  genericCodeBytes: MetricDelta;
  /**
   * Present when the poll fn has its own symbol on one side only: its bytes then moved into a caller (or
   * out of the binary) rather than disappearing, and `codeBytes` alone would read as a saving.
   */
  pollFn?: { base: PollFnSymbol; head: PollFnSymbol };
  /** Call sites of the two "async fn resumed after ..." panics. */
  panicSites: MetricDelta;
  /** What grew inside the future, largest growth first; empty unless the future grew. */
  grew: GrowthCause[];
}

export interface ReportSide {
  root: string;
  toolVersion: string;
  toolchain: string;
  profile: string;
  items: number;
}

export interface ReportDiff {
  schemaVersion: number;
  base: ReportSide;
  head: ReportSide;
  /** Every matched, added and removed item; sorted by crate, name, kind, then occurrence. */
  items: ItemDiff[];
  findings: { new: Finding[]; fixed: Finding[] };
  /**
   * Per crate: its artifact's `.text` and the code attributed to its async items. A toolchain change can
   * move these while no item changes; an older report without them gives nulls.
   */
  crates: CrateDiff[];
  /** Task statics (embassy task pools) by crate and name; absent from older reports. */
  tasks: TaskDiff[];
  totals: {
    /** Summed over items: an awaited future counts in its awaiter too (not memory). */
    futureBytes: MetricDelta;
    /** The root futures (those no other item awaits): the program's future memory. */
    rootFutureBytes: MetricDelta;
    codeBytes: MetricDelta;
    ownCodeBytes: MetricDelta;
    genericCodeBytes: MetricDelta;
  };
  /** Things that make the comparison less trustworthy (different profile or toolchain, ambiguous matches). */
  warnings: string[];
  summary: string;
}

export interface TaskDiff {
  crate: string;
  name: string;
  bytes: MetricDelta;
}

export interface CrateDiff {
  name: string;
  textBytes: MetricDelta;
  asyncCodeBytes: MetricDelta;
}

/** A before/after pair of one metric; `delta` is null when either side was not measured. */
export function metricDelta(base: number | null | undefined, head: number | null | undefined): MetricDelta {
  const b = base ?? null;
  const h = head ?? null;
  return { base: b, head: h, delta: b === null || h === null ? null : h - b };
}

function maxHeld(item: AnalyzedItem): number | null {
  if (item.heldAcrossAwait.length === 0) return item.futureBytes === null ? null : 0;
  return Math.max(...item.heldAcrossAwait.map((h) => h.bytes));
}

function panicSiteCount(item: AnalyzedItem): number | null {
  return item.panicSites ? item.panicSites.resumed + item.panicSites.resumedPanic : null;
}

function byLocation(a: AnalyzedItem, b: AnalyzedItem): number {
  return (
    compareText(a.file ?? '', b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    (a.futureBytes ?? -1) - (b.futureBytes ?? -1)
  );
}

function groupByKey(items: AnalyzedItem[]): Map<string, AnalyzedItem[]> {
  const groups = new Map<string, AnalyzedItem[]>();
  for (const item of items) {
    const key = itemKey(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  for (const group of groups.values()) group.sort(byLocation);
  return groups;
}

interface Sized {
  bytes: number;
  state: string;
  states: string[];
  line?: number;
  type?: string;
  what: GrowthCause['what'];
  kind?: 'upvar' | 'local';
  name: string;
  temporaries?: number;
}

/**
 * A value rustc keeps across an await without a binding of its own: `.coroutine_fieldN` (`.generator_fieldN`
 * before rustc 1.75, `__N` in older layouts). N is its position among the coroutine's saved locals, so it
 * changes when an await or a local is added anywhere before it: it says nothing about which value it is.
 */
export function isTemporaryField(name: string): boolean {
  return /^\.?(?:coroutine|generator)_field\d+$/.test(name) || /^\.?__\d+$/.test(name);
}

/**
 * A type name with the source spans of closures, async blocks and coroutines taken out:
 * `PollFn<{closure@src/main.rs:7:34: 7:42}>` → `PollFn<{closure}>`. rustc names those types by where they are
 * written, so the awaited type of an unchanged `.await` changes whenever code above it moves.
 */
export function withoutSpans(typeName: string): string {
  return typeName.replace(/\{([a-z][a-z ]*)@[^{}]*\}/g, '{$1}');
}

/**
 * Largest size of each held field and each awaited child, keyed by what it is (not where it is): a field is
 * one variable with one type, so it has the same size in every state that holds it, and one line per field
 * with the list of those states says as much as one line per state without repeating the numbers. The upvar
 * and the local copy of an argument (rust#62958) are two fields: two keys. Nothing in a key depends on the
 * state index or on source positions, which both shift when an await is added earlier in the fn: awaitees are
 * keyed by their type without spans, and compiler temporaries (numbered by position) by their type, all those
 * of one type in one state taken together.
 */
function contents(item: AnalyzedItem): Map<string, Sized> {
  const out = new Map<string, Sized>();
  const keep = (key: string, s: Sized) => {
    const prev = out.get(key);
    if (!prev || s.bytes > prev.bytes) out.set(key, s);
    else if (s.bytes === prev.bytes && !prev.states.includes(s.state)) prev.states.push(s.state);
  };
  const lineOf = new Map(item.heldAcrossAwait.map((h) => [h.state, h.line]));
  for (const held of item.heldAcrossAwait) {
    const at = { state: held.state, ...(held.line !== undefined ? { line: held.line } : {}) };
    const temporaries = new Map<string, Sized>();
    for (const f of held.fields) {
      if (f.kind === 'padding' || f.kind === 'awaitee') continue;
      if (isTemporaryField(f.name)) {
        const key = `temporaries ${f.kind} ${f.type ?? `${f.bytes} B`}`;
        const t = temporaries.get(key);
        if (t) {
          t.bytes += f.bytes;
          t.temporaries = (t.temporaries ?? 0) + 1;
        } else {
          temporaries.set(key, {
            what: 'field',
            kind: f.kind,
            name: '(temporaries)',
            bytes: f.bytes,
            temporaries: 1,
            ...at,
            states: [held.state],
            ...(f.type !== undefined ? { type: f.type } : {}),
          });
        }
        continue;
      }
      keep(`field ${f.kind} ${f.name}`, {
        what: 'field',
        kind: f.kind,
        name: f.name,
        bytes: f.bytes,
        ...at,
        states: [held.state],
        ...(f.type !== undefined ? { type: f.type } : {}),
      });
    }
    for (const [key, t] of temporaries) keep(key, t);
  }
  for (const c of item.children) {
    const name = c.item ?? c.typeName;
    const line = lineOf.get(c.state);
    keep(`awaitee ${withoutSpans(name)}`, {
      what: 'awaitee',
      name,
      bytes: c.bytes,
      state: c.state,
      states: [c.state],
      ...(line !== undefined ? { line } : {}),
      type: c.typeName,
    });
  }
  return out;
}

const KIND_ORDER = { upvar: 0, local: 1 } as const;

/**
 * Fields and awaited futures that are bigger in head than in base (or new in head), largest growth first.
 * What is unchanged is not listed, wherever it moved: to another state (an await added before it), or to
 * another line (its closure's span in its type name).
 */
export function growthCauses(base: AnalyzedItem, head: AnalyzedItem): GrowthCause[] {
  const before = contents(base);
  const after = contents(head);
  // Arguments stored twice: the analysis says so (duplicatedArgs), or head holds an upvar and a local alike.
  const twice = new Set(head.duplicatedArgs.map((a) => a.name));
  for (const h of after.values())
    if (h.kind === 'local' && after.has(`field upvar ${h.name}`)) twice.add(h.name);
  const causes: GrowthCause[] = [];
  for (const [key, h] of after) {
    const b = before.get(key);
    const d = h.bytes - (b?.bytes ?? 0);
    if (d <= 0) continue;
    causes.push({
      what: h.what,
      ...(h.kind !== undefined ? { kind: h.kind } : {}),
      name: h.name,
      state: h.state,
      ...(h.line !== undefined ? { line: h.line } : {}),
      states: h.states,
      ...(h.kind === 'local' && h.temporaries === undefined && twice.has(h.name)
        ? { storedTwice: true as const }
        : {}),
      ...(h.temporaries !== undefined ? { temporaries: h.temporaries } : {}),
      ...(h.type !== undefined ? { type: h.type } : {}),
      baseBytes: b ? b.bytes : null,
      headBytes: h.bytes,
      delta: d,
    });
  }
  return causes.sort(
    (x, y) =>
      y.delta - x.delta ||
      compareText(x.name, y.name) ||
      (x.kind ? KIND_ORDER[x.kind] : 2) - (y.kind ? KIND_ORDER[y.kind] : 2) ||
      compareText(x.type ?? '', y.type ?? ''),
  );
}

/** Poll fns and drop glue, as analyze's `code` column; null when the code was not measured. */
function ownCode(item: AnalyzedItem): number | null {
  return item.code ? item.code.codeBytes - runtimeCodeBytes(item.code) : null;
}

/** Generic code instantiated for the item's type (analyze's `generic code`); null when not measured. */
function genericCode(item: AnalyzedItem): number | null {
  return item.code ? runtimeCodeBytes(item.code) : null;
}

function compareItems(base: AnalyzedItem, head: AnalyzedItem): ItemDiff {
  const d: ItemDiff = {
    crate: head.crate,
    name: head.name,
    kind: head.kind,
    status: 'unchanged',
    ...(head.file !== undefined ? { file: head.file } : {}),
    ...(head.line !== undefined ? { line: head.line } : {}),
    ...(base.line !== undefined ? { baseLine: base.line } : {}),
    futureBytes: metricDelta(base.futureBytes, head.futureBytes),
    states: metricDelta(base.states, head.states),
    heldBytes: metricDelta(maxHeld(base), maxHeld(head)),
    codeBytes: metricDelta(base.code?.codeBytes, head.code?.codeBytes),
    ownCodeBytes: metricDelta(ownCode(base), ownCode(head)),
    genericCodeBytes: metricDelta(genericCode(base), genericCode(head)),
    panicSites: metricDelta(panicSiteCount(base), panicSiteCount(head)),
    grew: [],
  };
  const [basePoll, headPoll] = [pollFnSymbol(base), pollFnSymbol(head)];
  if (basePoll && headPoll && basePoll !== headPoll) d.pollFn = { base: basePoll, head: headPoll };
  const metrics = [
    d.futureBytes,
    d.states,
    d.heldBytes,
    d.codeBytes,
    d.ownCodeBytes,
    d.genericCodeBytes,
    d.panicSites,
  ];
  // A metric measured on one side only is a change too (e.g. the layout disappeared from rustc's output).
  if (metrics.some((m) => m.delta !== 0 && !(m.base === null && m.head === null))) d.status = 'changed';
  if ((d.futureBytes.delta ?? 0) > 0 || (d.heldBytes.delta ?? 0) > 0) d.grew = growthCauses(base, head);
  return d;
}

function oneSided(item: AnalyzedItem, status: 'added' | 'removed'): ItemDiff {
  const side = (v: number | null | undefined) =>
    status === 'added' ? metricDelta(null, v ?? null) : metricDelta(v ?? null, null);
  return {
    crate: item.crate,
    name: item.name,
    kind: item.kind,
    status,
    ...(item.file !== undefined ? { file: item.file } : {}),
    ...(item.line !== undefined ? { line: item.line } : {}),
    futureBytes: side(item.futureBytes),
    states: side(item.states),
    heldBytes: side(maxHeld(item)),
    codeBytes: side(item.code?.codeBytes),
    ownCodeBytes: side(ownCode(item)),
    genericCodeBytes: side(genericCode(item)),
    panicSites: side(panicSiteCount(item)),
    grew: [],
  };
}

/** An AnalysisReport keeps findings on their items; there is no separate top-level list. */
function allFindings(report: AnalysisReport): Finding[] {
  return report.items.flatMap((i) => i.findings);
}

function findingKey(f: Finding): string {
  return `${f.rule}\u0000${f.item ?? ''}\u0000${f.message}`;
}

/** Multiset difference by rule + item + message: a finding that only moved lines is neither new nor fixed. */
function findingChanges(base: Finding[], head: Finding[]): { new: Finding[]; fixed: Finding[] } {
  const minus = (a: Finding[], b: Finding[]) => {
    const counts = new Map<string, number>();
    for (const f of b) counts.set(findingKey(f), (counts.get(findingKey(f)) ?? 0) + 1);
    return a.filter((f) => {
      const n = counts.get(findingKey(f)) ?? 0;
      if (n > 0) counts.set(findingKey(f), n - 1);
      return n === 0;
    });
  };
  return { new: minus(head, base), fixed: minus(base, head) };
}

function sum(items: AnalyzedItem[], get: (i: AnalyzedItem) => number | null | undefined): number | null {
  let total = 0;
  let any = false;
  for (const i of items) {
    const v = get(i);
    if (v === null || v === undefined) continue;
    total += v;
    any = true;
  }
  return any ? total : null;
}

function side(r: AnalysisReport): ReportSide {
  return {
    root: r.root,
    toolVersion: r.tool.version,
    toolchain: r.build.toolchain,
    profile: r.build.profile,
    items: r.items.length,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function summarize(diff: Omit<ReportDiff, 'summary'>): string {
  const count = (s: ItemStatus) => diff.items.filter((i) => i.status === s).length;
  const grown = diff.items.filter((i) => i.status === 'changed' && (i.futureBytes.delta ?? 0) > 0);
  const shrunk = diff.items.filter((i) => i.status === 'changed' && (i.futureBytes.delta ?? 0) < 0);
  const parts: string[] = [];
  const total = (xs: ItemDiff[]) => xs.reduce((s, i) => s + (i.futureBytes.delta ?? 0), 0);
  if (grown.length) parts.push(`${plural(grown.length, 'future')} grew (${signedBytes(total(grown))})`);
  if (shrunk.length) parts.push(`${plural(shrunk.length, 'future')} shrank (${signedBytes(total(shrunk))})`);
  const otherChanged = count('changed') - grown.length - shrunk.length;
  if (otherChanged) parts.push(`${plural(otherChanged, 'item')} changed in states or code`);
  if (count('added')) parts.push(`${count('added')} added`);
  if (count('removed')) parts.push(`${count('removed')} removed`);
  if (diff.findings.new.length) parts.push(plural(diff.findings.new.length, 'new finding'));
  if (diff.findings.fixed.length) parts.push(`${diff.findings.fixed.length} fixed`);
  const text = diff.crates.filter((c) => (c.textBytes.delta ?? 0) !== 0);
  const textPart = text.map((c) => `.text of ${c.name} ${signedBytes(c.textBytes.delta!)}`).join(', ');
  if (parts.length === 0)
    return `no change in ${plural(count('unchanged'), 'async item')}${textPart ? `; ${textPart}` : ''}`;
  return [...parts, ...(textPart ? [textPart] : [])].join(', ');
}

/** Per-crate `.text` and async code, for every crate on either side. */
function taskChanges(base: AnalysisReport, head: AnalysisReport): TaskDiff[] {
  const key = (t: { crate: string; name: string }) => `${t.crate}::${t.name}`;
  const b = new Map((base.tasks ?? []).map((t) => [key(t), t]));
  const h = new Map((head.tasks ?? []).map((t) => [key(t), t]));
  return [...new Set([...b.keys(), ...h.keys()])].sort().map((k) => {
    const t = (h.get(k) ?? b.get(k))!;
    return { crate: t.crate, name: t.name, bytes: metricDelta(b.get(k)?.bytes, h.get(k)?.bytes) };
  });
}

function crateChanges(base: AnalysisReport, head: AnalysisReport): CrateDiff[] {
  const names = [...new Set([...base.crates, ...head.crates].map((c) => c.name))].sort();
  return names.map((name) => {
    const b = base.crates.find((c) => c.name === name);
    const h = head.crates.find((c) => c.name === name);
    return {
      name,
      textBytes: metricDelta(b?.textBytes, h?.textBytes),
      asyncCodeBytes: metricDelta(b?.asyncCodeBytes, h?.asyncCodeBytes),
    };
  });
}

/**
 * Pure comparison of two reports. Items that share crate + name + kind (e.g. two `{async block}`s in one fn)
 * are paired in source order (file, line, column): the i-th in base with the i-th in head; the count of such
 * groups is reported in `warnings` because reordering them would pair them differently.
 */
export function diffReports(base: AnalysisReport, head: AnalysisReport): ReportDiff {
  const baseGroups = groupByKey(base.items);
  const headGroups = groupByKey(head.items);
  const keys = [...new Set([...baseGroups.keys(), ...headGroups.keys()])].sort();
  const items: ItemDiff[] = [];
  let ambiguous = 0;
  let example = '';
  for (const key of keys) {
    const b = baseGroups.get(key) ?? [];
    const h = headGroups.get(key) ?? [];
    if (b.length > 1 || h.length > 1) {
      ambiguous++;
      example ||= (h[0] ?? b[0])!.name;
    }
    for (let i = 0; i < Math.max(b.length, h.length); i++) {
      const bi = b[i];
      const hi = h[i];
      if (bi && hi) items.push(compareItems(bi, hi));
      else if (hi) items.push(oneSided(hi, 'added'));
      else if (bi) items.push(oneSided(bi, 'removed'));
    }
  }
  const warnings: string[] = [];
  if (base.build.profile !== head.build.profile) {
    warnings.push(
      `profiles differ (base '${base.build.profile}', head '${head.build.profile}'): layouts depend on debug_assertions, compare like with like`,
    );
  }
  if (base.build.toolchain !== head.build.toolchain) {
    warnings.push(`toolchains differ (base '${base.build.toolchain}', head '${head.build.toolchain}')`);
  }
  if (ambiguous > 0) {
    warnings.push(
      `${plural(ambiguous, 'name')} occur more than once (first: '${example}'); those items were paired in source order`,
    );
  }
  const partial: Omit<ReportDiff, 'summary'> = {
    schemaVersion: DIFF_SCHEMA_VERSION,
    base: side(base),
    head: side(head),
    items,
    findings: findingChanges(allFindings(base), allFindings(head)),
    crates: crateChanges(base, head),
    tasks: taskChanges(base, head),
    totals: {
      futureBytes: metricDelta(
        sum(base.items, (i) => i.futureBytes),
        sum(head.items, (i) => i.futureBytes),
      ),
      rootFutureBytes: metricDelta(rootFutureBytes(base), rootFutureBytes(head)),
      codeBytes: metricDelta(
        sum(base.items, (i) => i.code?.codeBytes),
        sum(head.items, (i) => i.code?.codeBytes),
      ),
      ownCodeBytes: metricDelta(sum(base.items, ownCode), sum(head.items, ownCode)),
      genericCodeBytes: metricDelta(sum(base.items, genericCode), sum(head.items, genericCode)),
    },
    warnings,
  };
  return { ...partial, summary: summarize(partial) };
}
