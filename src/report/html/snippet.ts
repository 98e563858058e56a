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

/** Index of `needle` at or after `from`, or the end of the text. */
function upTo(text: string, needle: string, from: number): number {
  const i = text.indexOf(needle, from);
  return i === -1 ? text.length : i;
}

/**
 * Index just past the `}` that closes the first `{` at or after `from`, skipping strings, char literals and
 * comments; -1 when it never closes. Used for analysed items, which carry a start but no end position. A
 * heuristic, not a lexer: raw strings with `"` inside can throw it off; the snippet's line cap bounds the damage.
 */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') i = upTo(text, '\n', i);
    else if (c === '/' && text[i + 1] === '*') i = upTo(text, '*/', i + 2) + 1;
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

interface Lines {
  text: string;
  lines: string[];
  /** Offset of each line's first character. */
  starts: number[];
}

// Items come file by file, dozens per file: splitting the same text once instead of once per item.
let last: Lines | undefined;

function linesOf(text: string): Lines {
  if (last?.text === text) return last;
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  last = { text, lines: text.split(/\r?\n/), starts };
  return last;
}

/** 1-based line of a text offset (binary search over line starts). */
function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
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
  const { lines: all, starts } = linesOf(text);
  if (start.line < 1 || start.line > all.length) return null;
  let end = start.endLine;
  if (end === undefined) {
    const close = closingBrace(text, (starts[start.line - 1] ?? 0) + Math.max(0, start.column - 1));
    // Unbalanced (macro-heavy or cut source): show what follows, up to the line limit.
    end = close === -1 ? all.length : lineAt(starts, close - 1);
  }
  end = Math.min(Math.max(end, start.line), all.length);
  const truncated = end - start.line + 1 > MAX_SNIPPET_LINES;
  if (truncated) end = start.line + MAX_SNIPPET_LINES - 1;
  const last = end;
  const lines = all.slice(start.line - 1, last);
  const inRange = (l: number) => l >= start.line && l <= last;
  const marks: [number, number, number][] = [];
  if (awaitSites) {
    for (const a of awaitSites.filter((a) => inRange(a.line))) {
      const s = lines[a.line - start.line]!;
      // The `.await` at or after the site's column (the site may point at the awaited expression).
      const found = [...s.matchAll(AWAIT)];
      const m = found.find((x) => x.index >= a.column - 1) ?? found[0];
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
