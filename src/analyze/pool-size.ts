// `pool_size = N` as written at a task: in its attribute (`#[embassy_executor::task(pool_size = 4)]`) on the
// lines above the fn, or in a macro invocation's arguments on the fn's own line. Only a literal counts: a
// const (`pool_size = SLOTS`) is left to the derived figure (the static's bytes ÷ one slot).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnalyzedItem } from '../model/report.ts';

/** How far above a fn its attributes may start. */
const ATTRIBUTE_LINES = 8;

/** Read per task (a handful per crate), never cached: the next analysis may see another version. */
function linesOf(file: string): string[] | null {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return null;
  }
}

export function writtenPoolSize(root: string, item: AnalyzedItem): number | undefined {
  if (item.file === undefined || item.line === undefined) return undefined;
  const lines = linesOf(resolve(root, item.file));
  if (!lines) return undefined;
  for (let l = item.line - 1; l >= 0 && l >= item.line - 1 - ATTRIBUTE_LINES; l--) {
    const text = lines[l] ?? '';
    // Above the fn, a line ending an item (`}` or `;`) or opening a block (`{`) ends the search: what is
    // above belongs to another item. Comments do not count (a doc comment may quote an attribute).
    if (l < item.line - 1 && /[{};]\s*$/.test(text)) break;
    if (/^\s*\/\//.test(text)) continue;
    const m = /\bpool_size\s*=\s*(\d+)\b/.exec(text);
    if (m) return Number(m[1]);
  }
  return undefined;
}
