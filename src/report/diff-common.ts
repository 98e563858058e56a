// Small formatting helpers shared by the human and Markdown renderings of diffs and checks.

import { formatDelta } from '../budget/delta-text.ts';
import type { ItemDiff, ReportDiff } from '../budget/diff.ts';

/**
 * The `code` column: the item's own code (poll fns and drop glue, as analyze's `code` column; generic code
 * instantiated for its type is the `generic code` column), and when the poll fn gained or lost its own
 * symbol, that this is why.
 */
export function formatCodeDelta(i: ItemDiff): string {
  // `ownCodeBytes` is absent in diffs written by an older asyncbloat, whose `codeBytes` is all code.
  // No code at all on either side: nothing was linked, or all of it was inlined (analyze says the same).
  const none = i.codeBytes.base === 0 && i.codeBytes.head === 0;
  const bytes = none ? 'no symbol' : formatDelta(i.ownCodeBytes ?? i.codeBytes);
  if (!i.pollFn) return bytes;
  const now = {
    symbol: i.pollFn.base === 'inlined' ? 'now a symbol of its own' : 'now linked',
    inlined: 'now without a symbol of its own (inlined, or no longer polled)',
    'no symbol': 'no longer linked',
  }[i.pollFn.head];
  return `${bytes}; poll fn ${now}`;
}

/** Whether any of these rows has generic code (CodePart kind `runtime`) on either side: show the column. */
export function hasGenericCode(rows: ItemDiff[]): boolean {
  return rows.some((i) => (i.genericCodeBytes?.base ?? 0) > 0 || (i.genericCodeBytes?.head ?? 0) > 0);
}

/** The `generic code` column, `-` when the item has none on either side. */
export function formatGenericCodeDelta(i: ItemDiff): string {
  const m = i.genericCodeBytes;
  if (!m || (!m.base && !m.head)) return '-';
  return formatDelta(m);
}

export const STATUS_MARK: Record<ItemDiff['status'], string> = {
  changed: '~',
  added: '+',
  removed: '-',
  unchanged: ' ',
};

export function location(file: string | null | undefined, line: number | null | undefined): string {
  if (!file) return '';
  return line !== undefined && line !== null ? `${file}:${line}` : file;
}

/**
 * One line per crate whose `.text` or async code changed (`app: .text 437 KiB → 437 KiB (+160 B), ...`),
 * then one per task static whose RAM changed (`task sampler: 6336 B → 8448 B (+2112 B)`).
 */
export function crateLines(diff: ReportDiff): string[] {
  return [
    ...(diff.crates ?? [])
      .filter((c) => (c.textBytes.delta ?? 0) !== 0 || (c.asyncCodeBytes.delta ?? 0) !== 0)
      .map(
        (c) => `${c.name}: .text ${formatDelta(c.textBytes)}, async code ${formatDelta(c.asyncCodeBytes)}`,
      ),
    ...(diff.tasks ?? [])
      .filter((t) => t.bytes.delta !== 0)
      .map((t) => `task ${t.name}: RAM ${formatDelta(t.bytes)}`),
  ];
}

/**
 * Said when future sizes changed: the per-item deltas (and the summary's "grew (+N B)") are summed over items,
 * so a nested future counts in each awaiter too; the root futures are what the program holds.
 */
export function memoryLine(diff: ReportDiff): string | undefined {
  const sizesChanged = diff.items.some((i) => i.futureBytes.delta !== 0 && i.status !== 'unchanged');
  if (!sizesChanged) return undefined;
  const roots = diff.totals.rootFutureBytes;
  return `memory: root futures ${formatDelta(roots)}; the future sizes above are per item, and a future awaited by another counts in its awaiter too`;
}
