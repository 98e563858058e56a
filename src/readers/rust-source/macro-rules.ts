// The `macro_rules!` of a file whose body awaits (`exchange!`, `run!`): a call of one is an await of the
// async body it is called in. The inventory finds those of the file it parses from the syntax tree; this
// reads them from the text of the crate's other files, which a scan does not parse together (a macro
// defined in `macros.rs` and called in `net.rs`). Comments and string literals are blanked first.
import { blankCommentsAndStrings } from './blank-text.ts';

// Names are read up to 100 characters (longer ones are no real macro's, and would make the token search
// of the inventory quadratic).
const DEFINITION = /\bmacro_rules!\s*([A-Za-z_][A-Za-z0-9_]{0,99})\s*([{([])/g;
const AWAIT = /\.\s*await\b/;
const CLOSE: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

/** Names of the macros `text` defines with `macro_rules!` whose body contains `.await`. */
export function awaitingMacroNames(text: string): string[] {
  if (!text.includes('macro_rules') || !text.includes('await')) return [];
  const code = blankCommentsAndStrings(text);
  const out: string[] = [];
  for (const m of code.matchAll(DEFINITION)) {
    const open = m[2]!;
    const close = CLOSE[open]!;
    let depth = 0;
    let end = code.length;
    for (let i = m.index + m[0].length - 1; i < code.length; i++) {
      const c = code[i];
      if (c === open) depth++;
      else if (c === close && --depth === 0) {
        end = i;
        break;
      }
    }
    if (AWAIT.test(code.slice(m.index, end)) && !out.includes(m[1]!)) out.push(m[1]!);
  }
  return out;
}
