// Facts taken straight from a fixture's Rust source, to check the readers against something they did not
// produce: where a coroutine's body is, and how many `.await`s it contains.
import type { MirCoroutine } from '../../src/readers/mir.ts';

/** UTF-16 offset of 1-based (line, column) where the column counts chars (code points), as rustc does. */
export function offsetOf(src: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = src.indexOf('\n', at);
    if (nl < 0) throw new Error(`line ${line} is past the end`);
    at = nl + 1;
  }
  const chars = Array.from(src.slice(at, src.indexOf('\n', at) >>> 0));
  return at + chars.slice(0, column - 1).join('').length;
}

/**
 * The source range a coroutine's awaits can be in. rustc's span covers the body for async fns (`{…}`) and
 * async closures (the body expression), but only the `async move` keywords for async blocks: for those the
 * range runs to the brace that closes the block.
 */
export function bodyExtent(src: string, c: MirCoroutine): [number, number] {
  if (!c.span) throw new Error(`${c.name} has no span`);
  const start = offsetOf(src, c.span.line, c.span.column);
  const end = offsetOf(src, c.span.endLine, c.span.endColumn);
  if (c.kind !== 'async-block') return [start, end];
  const open = src.indexOf('{', end);
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}' && --depth === 0) return [start, i + 1];
  }
  throw new Error(`unbalanced block at ${c.span.line}:${c.span.column}`);
}

/** `.await`s inside a coroutine's own body: those in bodies nested strictly inside it belong to them. */
export function awaitsInBody(src: string, c: MirCoroutine, all: MirCoroutine[]): number {
  const [start, end] = bodyExtent(src, c);
  const nested = all
    .filter((o) => o.span)
    .map((o) => bodyExtent(src, o))
    .filter(([s, e]) => s >= start && e <= end && (s !== start || e !== end));
  let n = 0;
  for (const m of src.slice(start, end).matchAll(/\.\s*await\b/g)) {
    const at = start + m.index;
    if (!nested.some(([s, e]) => at >= s && at < e)) n++;
  }
  return n;
}
