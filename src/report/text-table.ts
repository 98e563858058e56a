import { stripVTControlCharacters } from 'node:util';
import { runtimeCodeBytes } from '../measure/code-parts.ts';
import type { CodeSize } from '../model/report.ts';

export type Align = 'left' | 'right';

/** A plain terminal table: columns padded to the widest cell, ANSI colour codes ignored when measuring. */
// East Asian wide and fullwidth characters (and emoji) take two terminal columns: item names may be
// written in them (`async fn 送信`).
const WIDE =
  /[\u{1100}-\u{115F}\u{2E80}-\u{A4CF}\u{AC00}-\u{D7A3}\u{F900}-\u{FAFF}\u{FE30}-\u{FE4F}\u{FF00}-\u{FF60}\u{FFE0}-\u{FFE6}\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;

/** Terminal columns of a string: ANSI codes take none, wide characters two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of stripVTControlCharacters(s)) w += WIDE.test(ch) ? 2 : 1;
  return w;
}

/**
 * `maxWidth`: the terminal's width. A table wider than that gets its widest text (left-aligned) columns cut
 * down, down to MIN_CUT columns each, and the cells that no longer fit shortened in the middle with `…`, so
 * a path keeps its crate and its fn name. Numbers are never cut.
 */
export function textTable(header: string[], rows: string[][], align: Align[], maxWidth?: number): string {
  const width = displayWidth;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  if (maxWidth !== undefined) fitWidths(widths, align, maxWidth);
  const pad = (cell: string, i: number) => {
    const w = widths[i] ?? 0;
    const fitted = width(cell) > w ? shortenMiddle(stripVTControlCharacters(cell), w) : cell;
    const fill = ' '.repeat(Math.max(0, w - width(fitted)));
    return align[i] === 'right' ? fill + fitted : fitted + fill;
  };
  const line = (cells: string[]) => cells.map(pad).join('  ').replace(/\s+$/, '');
  return [line(header), ...rows.map(line)].join('\n');
}

const MIN_CUT = 16;

function fitWidths(widths: number[], align: Align[], maxWidth: number): void {
  let excess = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) - maxWidth;
  const text = widths.map((_, i) => i).filter((i) => align[i] === 'left');
  text.sort((a, b) => widths[b]! - widths[a]!);
  for (const i of text) {
    if (excess <= 0) break;
    const cut = Math.min(excess, widths[i]! - MIN_CUT);
    if (cut <= 0) continue;
    widths[i]! -= cut;
    excess -= cut;
  }
}

/** `dispatch::handle_hoisted::{async block#0}` in 20 columns: `dispatch::h…block#0}`. */
export function shortenMiddle(s: string, w: number): string {
  const chars = [...s];
  if (displayWidth(s) <= w) return s;
  if (w <= 1) return '\u2026'.slice(0, w);
  let head = '';
  let tail = '';
  let used = 1;
  for (let a = 0, b = chars.length - 1; a <= b; ) {
    const next = head.length <= tail.length ? chars[a]! : chars[b]!;
    const cw = displayWidth(next);
    if (used + cw > w) break;
    used += cw;
    if (head.length <= tail.length) {
      head += next;
      a++;
    } else {
      tail = next + tail;
      b--;
    }
  }
  return `${head}\u2026${tail}`;
}

/** `1536` → `1.5 KiB`; small values stay in bytes so they can be compared with rustc's output. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  if (n < 10 * 1024) return `${n} B`;
  if (n < 10 * 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * An item's own machine code (poll fns and drop glue) in one cell. With no symbol at all, the binary either
 * never uses the future or (optimised) inlined all of it: nothing tells which, so it says "no symbol". With
 * drop glue or generic code but no poll fn, the poll fn was inlined into its caller, or the future is built
 * and dropped but never polled (common in a debug build): "no poll fn" claims neither.
 */
export function codeCell(code: CodeSize | undefined): string {
  if (!code) return '-';
  if (code.codeBytes === 0) return 'no symbol';
  const own = code.codeBytes - runtimeCodeBytes(code);
  if (own === 0) return 'no poll fn';
  return code.inlined ? `no poll fn, ${formatBytes(own)}` : formatBytes(own);
}

/** The generic code (executor, `IntoFuture`, ...) instantiated for the future's type, or `-`. */
export function runtimeCell(code: CodeSize | undefined): string {
  const bytes = code ? runtimeCodeBytes(code) : 0;
  return bytes === 0 ? '-' : formatBytes(bytes);
}

/**
 * A name from the crate (a file path) as the terminal should show it: control characters escaped (`\e`,
 * `\r`, `\n`, `\xHH`), as git and `ls` do, so a file name cannot move the cursor or change colours.
 */
export function printable(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is matched here
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    const named: Record<string, string> = { '\u001b': '\\e', '\r': '\\r', '\n': '\\n', '\t': '\\t' };
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
