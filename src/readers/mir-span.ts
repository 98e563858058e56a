// Small syntax helpers for the type names rustc prints in MIR: coroutine types (`{async fn body of f()}`,
// `{async block@src/lib.rs:14:5: 14:10}`, `{async closure body@…}`) and the spans embedded in them.
import type { AsyncKind } from '../model/async-item.ts';

/** A span as rustc prints it: `file:line:col: endLine:endCol`. Lines 1-based, columns 1-based in chars. */
export interface RustcSpan {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

// The file part may itself contain `:` (absolute Windows paths, odd macro spans), so the numbers are taken
// from the right-hand end.
const SPAN = /^(.*):(\d+):(\d+): (\d+):(\d+)(?: \(#\d+\))?$/;

/** Parses `src/lib.rs:5:34: 7:2` (optionally followed by a hygiene mark ` (#0)`); undefined if it is not one. */
export function parseRustcSpan(text: string): RustcSpan | undefined {
  const m = SPAN.exec(text);
  if (!m) return undefined;
  return {
    file: m[1]!,
    line: Number(m[2]),
    column: Number(m[3]),
    endLine: Number(m[4]),
    endColumn: Number(m[5]),
  };
}

/**
 * Returns the balanced `{…}` group starting at `text[start]` (which must be `{`), including both braces, or
 * undefined when it does not close on this line. Type names nest braces (`{closure@…}` inside generics).
 */
export function balancedBraces(text: string, start: number): string | undefined {
  if (text[start] !== '{') return undefined;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125) {
      depth--;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}

const KIND_PREFIXES: [string, AsyncKind][] = [
  ['{async fn body of ', 'async-fn'],
  ['{async block@', 'async-block'],
  ['{async closure body@', 'async-closure'],
];

/** The async kind of a coroutine type name, or undefined for anything else (closures, gen blocks, ...). */
export function coroutineKind(typeName: string): AsyncKind | undefined {
  for (const [prefix, kind] of KIND_PREFIXES) if (typeName.startsWith(prefix)) return kind;
  return undefined;
}

/** The span embedded in `{async block@SPAN}` / `{async closure body@SPAN}` / `{coroutine@SPAN (#0)}`. */
export function spanOfTypeName(typeName: string): RustcSpan | undefined {
  const at = typeName.indexOf('@');
  if (at < 0 || !typeName.endsWith('}')) return undefined;
  return parseRustcSpan(typeName.slice(at + 1, -1));
}
