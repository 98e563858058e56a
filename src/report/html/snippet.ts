// Source snippets for the report's detail view: the lines of one async body, with its `.await`s marked.
// Pure: takes the file's text, returns lines and [line, start, end) marks in UTF-16 code units.
import type { AwaitSite } from '../../model/async-item.ts';

/** Long bodies are cut: a 2,000-item page must stay small, and the first lines show the shape. */
export const MAX_SNIPPET_LINES = 40;

export interface Snippet {
  /** 1-based line number of lines[0]. */
  first: number;
  lines: string[];
  /** [line, start, end): the text to highlight as an await; start/end index into that line's string. */
  marks: [number, number, number][];
  /** True when the body is longer than MAX_SNIPPET_LINES. */
  truncated: boolean;
}

const AWAIT = /\.\s*await\b/g;

/**
 * Index just past the `}` that closes the first `{` at or after `from`, skipping strings, char literals and
 * comments; -1 when it never closes. Used for analysed items, which carry a start but no end position.
 */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (c === '/' && text[i + 1] === '*') i = text.indexOf('*/', i + 2) === -1 ? text.length : text.indexOf('*/', i + 2) + 1;
    else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === "'" && (text[i + 2] === "'" || text[i + 1] === '\\')) {
      // A char literal such as '{' or '\''; lifetimes ('a) have no closing quote two chars on.
      i = text.indexOf("'", i + 2);
      if (i === -1) return -1;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * The snippet for a body starting at `start` (1-based line/column). The end is `start.endLine` when the source
 * scan knows it, otherwise found by matching braces. Awaits come from the scan's `awaitSites` when given,
 * otherwise from `.await` tokens in the snippet; `awaitLines` (from MIR) mark whole lines not already marked.
 */
export function snippetFor(
  text: string | undefined,
  start: { line: number; column: number; endLine?: number },
  awaitLines: number[] = [],
  awaitSites?: AwaitSite[],
): Snippet | null {
  if (text === undefined) return null;
  const all = text.split(/\r?\n/);
  if (start.line < 1 || start.line > all.length) return null;
  let last = start.endLine;
  if (last === undefined) {
    const starts = lineStarts(text);
    const end = closingBrace(text, (starts[start.line - 1] ?? 0) + Math.max(0, start.column - 1));
    // Unbalanced (macro-heavy or cut source): show what follows, up to the line limit.
    last = end === -1 ? all.length : starts.findLastIndex((s) => s < end) + 1;
  }
  last = Math.min(Math.max(last, start.line), all.length);
  const truncated = last - start.line + 1 > MAX_SNIPPET_LINES;
  if (truncated) last = start.line + MAX_SNIPPET_LINES - 1;
  const lines = all.slice(start.line - 1, last);
  const inRange = (l: number) => l >= start.line && l <= last;
  const marks: [number, number, number][] = [];
  if (awaitSites) {
    for (const a of awaitSites.filter((a) => inRange(a.line))) {
      const s = lines[a.line - start.line]!;
      AWAIT.lastIndex = Math.max(0, a.column - 1);
      const m = AWAIT.exec(s) ?? (AWAIT.lastIndex = 0, AWAIT.exec(s));
      marks.push(m ? [a.line, m.index, m.index + m[0].length] : [a.line, 0, s.length]);
    }
  } else {
    lines.forEach((s, k) => {
      const code = s.replace(/\/\/.*$/, '');
      for (const m of code.matchAll(AWAIT)) marks.push([start.line + k, m.index, m.index + m[0].length]);
    });
  }
  for (const l of new Set(awaitLines)) {
    if (inRange(l) && !marks.some((m) => m[0] === l)) marks.push([l, 0, lines[l - start.line]!.length]);
  }
  marks.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { first: start.line, lines, marks, truncated };
}
