// RAM per task in text (terminal, Markdown, `--explain`): each task's static with its pool and slot split,
// the total and its share of `.bss` + `.data`, and what the biggest task holds across which await.
import type { AnalysisReport, AnalyzedItem, TaskRam } from '../model/report.ts';
import { formatBytes } from './text-table.ts';

export function taskTotal(tasks: TaskRam[]): number {
  return tasks.reduce((n, t) => n + t.bytes, 0);
}

/** `RAM per task: 6.7 KiB in 3 tasks (39.0 % of .bss + .data, 16.8 KiB)`. */
export function taskHeadline(report: AnalysisReport): string | undefined {
  const tasks = report.tasks ?? [];
  if (tasks.length === 0) return undefined;
  const total = taskTotal(tasks);
  const ram = report.staticRamBytes;
  const share = ram ? ` (${((100 * total) / ram).toFixed(1)}% of .bss + .data, ${formatBytes(ram)})` : '';
  return `RAM per task: ${formatBytes(total)} in ${tasks.length} task${tasks.length === 1 ? '' : 's'}${share}`;
}

export function poolCell(t: TaskRam): string {
  if (t.poolSize === null) return '?';
  return t.poolSizeSource === 'derived' ? `${t.poolSize}*` : String(t.poolSize);
}

export function slotCell(t: TaskRam): string {
  if (t.slotBytes === null) return '-';
  return `${formatBytes(t.slotBytes)} (${t.headerBytes} + ${t.futureBytes} + ${t.paddingBytes})`;
}

/** What the biggest task's future holds across an await, from its item's layout. */
export function biggestTaskNote(report: AnalysisReport): string | undefined {
  const t = report.tasks?.[0];
  const item = t && report.items.find((i) => i.name === t.future && i.crate === t.crate);
  const held = item && largestHeld(item);
  if (!t || !held) return undefined;
  return `${t.name} is the biggest task: its future holds ${held.kind} \`${held.field}\` (${formatBytes(held.bytes)}) across the await${held.line ? ` at line ${held.line}` : ''}, in each of its ${t.poolSize ?? '?'} slot${t.poolSize === 1 ? '' : 's'}`;
}

function largestHeld(item: AnalyzedItem) {
  let best: { field: string; kind: string; bytes: number; line?: number } | undefined;
  for (const h of item.heldAcrossAwait)
    for (const f of h.fields)
      if (f.kind !== 'padding' && (!best || f.bytes > best.bytes))
        best = { field: f.name, kind: f.kind, bytes: f.bytes, ...(h.line ? { line: h.line } : {}) };
  return best;
}

export const DERIVED_NOTE =
  '* derived: the static’s bytes ÷ one slot (no `pool_size = N` where the task is written)';

/** `--explain`: the task pool an item runs in, slot by slot. */
export function taskExplainLines(item: AnalyzedItem, report: Pick<AnalysisReport, 'tasks'>): string[] {
  const t = report.tasks?.find((x) => x.future === item.name && x.crate === item.crate);
  if (!t) return [];
  const out = [
    `  task ${t.name}: static \`${t.symbol}\` in ${t.section}, ${formatBytes(t.bytes)}`,
    `    pool: ${t.poolSize ?? '?'} slot${t.poolSize === 1 ? '' : 's'}${t.poolSizeSource === 'derived' ? ' (derived: bytes ÷ slot)' : t.poolSizeSource === 'source' ? ' (pool_size in the source)' : ''}`,
  ];
  if (t.slotBytes !== null)
    for (let k = 0; k < (t.poolSize ?? 0) && k < 8; k++)
      out.push(
        `    slot ${k}: ${formatBytes(t.slotBytes)} = header ${t.headerBytes} B + future ${t.futureBytes} B + padding ${t.paddingBytes} B`,
      );
  if ((t.poolSize ?? 0) > 8) out.push(`    ... ${t.poolSize! - 8} more slots alike`);
  return out;
}

/** `Static futures: 388 B in 1 other static holding a future`. */
export function staticFuturesHeadline(report: Pick<AnalysisReport, 'staticFutures'>): string | undefined {
  const list = report.staticFutures ?? [];
  if (list.length === 0) return undefined;
  const total = list.reduce((n, s) => n + s.bytes, 0);
  return `Static futures: ${formatBytes(total)} in ${list.length} other static${list.length === 1 ? '' : 's'} holding a future`;
}

export const STATIC_FUTURES_HEAD = ['bytes', 'future', 'static', 'type', 'location'];

/** One row per static future: its bytes, the future's bytes and item, the static and its printed type. */
export function staticFutureRows(report: Pick<AnalysisReport, 'staticFutures'>): string[][] {
  return (report.staticFutures ?? []).map((s) => [
    formatBytes(s.bytes),
    s.futureBytes === null ? '?' : `${formatBytes(s.futureBytes)}${s.item ? ` ${s.item}` : ''}`,
    s.symbol,
    s.type,
    `${s.file}:${s.line}`,
  ]);
}
