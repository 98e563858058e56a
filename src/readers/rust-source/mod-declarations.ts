// The `mod name;` declarations of a file, with what rustc needs to find each one's file: its `#[path]`,
// the inline `mod x { .. }` blocks around it. Read from the text with comments and literals blanked, like
// the crate's macro definitions: the crate's module tree is needed before (and without) a parse, and also
// for files tree-sitter cannot parse. Braces other than an inline module's (a fn body, a `cfg_if!` arm) do
// not change the module: the declarations inside `cfg_if! { if #[cfg(unix)] { mod imp; } }` are items of
// the module around the macro call once it is expanded.
import { blankCommentsAndStrings } from './blank-text.ts';

export interface InlineModule {
  name: string;
  /** Its `#[path]`: for an inline module, the directory its file modules are looked up in. */
  path?: string;
}

export interface ModDeclaration {
  name: string;
  /** The first `#[path = ".."]`, as rustc takes it. */
  path?: string;
  /** `#[cfg_attr(pred, path = "..")]` values: the file under each predicate. */
  cfgPaths: string[];
  /** The inline modules it is declared in, outermost first. */
  inline: InlineModule[];
}

const TOKEN = /[{}]|\bmod\s+(?:r#)?([A-Za-z_][A-Za-z0-9_]*)\s*([;{])/g;
const FILE_MODULE = /\bmod\s+(?:r#)?[A-Za-z_][A-Za-z0-9_]*\s*;/;
const PATH_VALUE = /\bpath\s*=\s*$/;
/** Brackets, and whether one opens an attribute (`#[`, `#![`). */
const BRACKET = /#\s*!?\s*\[|\[|\]/g;
/** A visibility ending where the `mod` keyword starts. */
const VISIBILITY = /(?<![A-Za-z0-9_])pub\s*(?:\(\s*(?:crate|super|self|in\s+[A-Za-z0-9_:\s]+?)\s*\))?\s*$/;

export function modDeclarations(text: string): ModDeclaration[] {
  // Most files declare no file module (an inline `mod tests { .. }` at most): they are not blanked.
  if (!FILE_MODULE.test(text)) return [];
  const code = blankCommentsAndStrings(text);
  const attributes = attributeSpans(code);
  const out: ModDeclaration[] = [];
  // Per open brace, the inline module it opened, if it opened one.
  const open: (InlineModule | undefined)[] = [];
  for (const m of code.matchAll(TOKEN)) {
    if (m[0] === '{') open.push(undefined);
    else if (m[0] === '}') open.pop();
    else {
      const { path, cfgPaths } = pathAttributes(text, code, attributes, m.index);
      const name = m[1]!;
      if (m[2] === '{') open.push(path === undefined ? { name } : { name, path });
      else {
        const inline = open.filter((o) => o !== undefined);
        out.push(path === undefined ? { name, cfgPaths, inline } : { name, path, cfgPaths, inline });
      }
    }
  }
  return out;
}

interface AttributeSpan {
  /** Index of its `#`. */
  start: number;
  /** Index of its `[`. */
  open: number;
}

/** The attributes of the text, by the index just after their closing `]`: found in one pass, linear. */
function attributeSpans(code: string): Map<number, AttributeSpan> {
  const spans = new Map<number, AttributeSpan>();
  const open: (AttributeSpan | undefined)[] = [];
  for (const m of code.matchAll(BRACKET)) {
    if (m[0] === ']') {
      const span = open.pop();
      if (span) spans.set(m.index + 1, span);
    } else open.push(m[0] === '[' ? undefined : { start: m.index, open: m.index + m[0].length - 1 });
  }
  return spans;
}

/** The `path` values of the outer attributes of the item whose keyword (after any visibility) is at `at`. */
function pathAttributes(
  text: string,
  code: string,
  attributes: Map<number, AttributeSpan>,
  at: number,
): { path?: string; cfgPaths: string[] } {
  const cfgPaths: string[] = [];
  let path: string | undefined;
  const visibility = VISIBILITY.exec(code.slice(Math.max(0, at - 200), at));
  let i = at - (visibility ? visibility[0].length : 0);
  for (;;) {
    i = skipSpaceBack(code, i);
    const span = attributes.get(i);
    if (!span) break;
    const body = code.slice(span.open + 1, i - 1);
    const isCfgAttr = /^\s*cfg_attr\b/.test(body);
    if (isCfgAttr || /^\s*path\b/.test(body)) {
      // A value's quotes are blanked in `code`; it is read from `text` at the same offset.
      for (let k = span.open + 1; k < i - 1; k++) {
        if (text[k] !== '"' || !PATH_VALUE.test(code.slice(span.open + 1, k))) continue;
        const end = text.indexOf('"', k + 1);
        if (end < 0 || end > i) break;
        const value = text.slice(k + 1, end);
        if (isCfgAttr) cfgPaths.unshift(value);
        else path = value; // attributes are read last to first: the first wins
        k = end;
      }
    }
    i = span.start;
  }
  return path === undefined ? { cfgPaths } : { path, cfgPaths };
}

function skipSpaceBack(code: string, i: number): number {
  while (i > 0 && /\s/.test(code[i - 1]!)) i--;
  return i;
}
