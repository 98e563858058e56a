// Small formatting helpers shared by the human and Markdown renderings of diffs and checks.
import type { GrowthCause, ItemDiff, MetricDelta, ReportDiff } from './diff.ts';
import { signedBytes } from './units.ts';

/**
 * `256 B → 768 B (+512 B)`, `-` when unmeasured on both sides; `unit` is '' for counts. A side that was not
 * measured (null: no layout, a poll fn inlined away) is `unknown`, never `gone` or `new`: a count that went to
 * zero is a 0, and only that is gone.
 */
export function formatDelta(m: MetricDelta, unit = ' B'): string {
  const v = (n: number | null) => (n === null ? 'unknown' : `${n}${unit}`);
  if (m.base === null && m.head === null) return '-';
  if (m.base === null || m.head === null) return `${v(m.base)} \u2192 ${v(m.head)}`;
  if (m.delta === 0) return v(m.head);
  const d = m.delta ?? 0;
  const signed = unit === ' B' ? signedBytes(d) : d > 0 ? `+${d}` : `\u2212${-d}`;
  return `${v(m.base)} \u2192 ${v(m.head)} (${signed})`;
}

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

/**
 * `local `buf` in Suspend0, await at line 12: 256 B → 768 B (+512 B)`; `(also held in Suspend1)` when other
 * states hold it too, and on the local copy of an argument that rustc also keeps as an upvar, that it is
 * stored twice (rust#62958), so that the two lines, which show the same growth, read as what they are.
 */
export function formatCause(c: GrowthCause, code: (s: string) => string = (s) => `\`${s}\``): string {
  const where = `${c.state}${c.line !== undefined ? `, await at line ${c.line}` : ''}`;
  // `states` is absent in diffs written by an older asyncbloat.
  const others = (c.states ?? []).filter((s) => s !== c.state);
  const shown = others.length > 3 ? [...others.slice(0, 3), `${others.length - 3} more`] : others;
  const also =
    shown.length === 0
      ? ''
      : ` (also ${c.what === 'field' ? 'held' : 'awaited'} in ${shown.slice(0, -1).join(', ')}${shown.length > 1 ? ' and ' : ''}${shown[shown.length - 1]})`;
  const sizes = c.baseBytes === null ? `${c.headBytes} B (new)` : `${c.baseBytes} B \u2192 ${c.headBytes} B`;
  const growth = `in ${where}${also}: ${sizes} (${signedBytes(c.delta)})`;
  if (c.temporaries !== undefined) {
    // Unnamed compiler temporaries (`.coroutine_fieldN`): what they are, how many and of which type.
    const what = c.type !== undefined ? code(c.type) : `${c.headBytes / c.temporaries} B`;
    return `temporaries held across an await (${c.temporaries} \u00d7 ${what}) ${growth}`;
  }
  const label = c.what === 'awaitee' ? 'awaited' : (c.kind ?? 'field');
  const twice = c.storedTwice ? ' (argument stored twice: rust#62958)' : '';
  return `${label} ${code(c.name)}${twice} ${growth}`;
}

export function location(file: string | null | undefined, line: number | null | undefined): string {
  if (!file) return '';
  return line !== undefined && line !== null ? `${file}:${line}` : file;
}

/** One line per crate whose `.text` or async code changed: `app: .text 437 KiB → 437 KiB (+160 B), ...`. */
export function crateLines(diff: ReportDiff): string[] {
  return (diff.crates ?? [])
    .filter((c) => (c.textBytes.delta ?? 0) !== 0 || (c.asyncCodeBytes.delta ?? 0) !== 0)
    .map((c) => `${c.name}: .text ${formatDelta(c.textBytes)}, async code ${formatDelta(c.asyncCodeBytes)}`);
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
