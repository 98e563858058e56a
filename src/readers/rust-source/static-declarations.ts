// The `static` items a Rust file declares, with their type as written: enough to tell which type rustc
// printed for a static the binary has (`static BLINK: StaticCell<BlinkFuture>` is the
// `StaticCell<{async fn body of blink()}>` of -Zprint-type-sizes), and the `type Name = impl Trait`
// aliases through which a static can name a future's type at all. Read from the text with comments and
// string literals blanked: no parse is needed for two item shapes, and it holds on files tree-sitter
// cannot parse.
import { blankCommentsAndStrings } from './blank-text.ts';

export interface StaticDeclaration {
  name: string;
  /** The type as written, whitespace collapsed (`StaticCell<BlinkFuture>`). */
  type: string;
  /** 1-based line of the `static` keyword. */
  line: number;
}

const STATIC = /\bstatic\s+(?:mut\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^=;]+?)\s*=/g;
const IMPL_ALIAS = /\btype\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:<[^=;]*>)?\s*=\s*impl\b/g;

export function staticDeclarations(text: string): StaticDeclaration[] {
  const code = blankCommentsAndStrings(text);
  const out: StaticDeclaration[] = [];
  let line = 1;
  let at = 0;
  for (const m of code.matchAll(STATIC)) {
    for (; at < m.index; at++) if (code.charCodeAt(at) === 10) line++;
    out.push({ name: m[1]!, type: m[2]!.replace(/\s+/g, ' ').trim(), line });
  }
  return out;
}

/** Names of the `type Name = impl Trait;` aliases a file declares, free or associated (`type Fut = impl ..`). */
export function implTraitAliases(text: string): string[] {
  return [...blankCommentsAndStrings(text).matchAll(IMPL_ALIAS)].map((m) => m[1]!);
}

/** The outermost type constructor's last segment: `StaticCell` for `static_cell::StaticCell<F>`. */
export function outerConstructor(type: string): string | undefined {
  const lt = type.indexOf('<');
  if (lt <= 0) return undefined;
  const path = type.slice(0, lt).trim();
  return path.slice(path.lastIndexOf(':') + 1) || undefined;
}
