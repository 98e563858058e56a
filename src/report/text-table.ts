import { stripVTControlCharacters } from 'node:util';

export type Align = 'left' | 'right';

/** A plain terminal table: columns padded to the widest cell, ANSI colour codes ignored when measuring. */
export function textTable(header: string[], rows: string[][], align: Align[]): string {
  const width = (s: string) => [...stripVTControlCharacters(s)].length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (cell: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(cell)));
    return align[i] === 'right' ? fill + cell : cell + fill;
  };
  const line = (cells: string[]) => cells.map(pad).join('  ').replace(/\s+$/, '');
  return [line(header), ...rows.map(line)].join('\n');
}

/** `1536` → `1.5 KiB`; small values stay in bytes so they can be compared with rustc's output. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  if (n < 10 * 1024) return `${n} B`;
  if (n < 10 * 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
