// Deltas and growth causes as text: the words every output uses for a number that changed (the terminal,
// Markdown, check's violation messages, savings' warnings).
import type { GrowthCause, MetricDelta } from './diff.ts';
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
