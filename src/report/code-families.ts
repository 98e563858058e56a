// Generic code instantiated for a future's type comes as hundreds of symbols that differ only in their type
// arguments (tokio's Harness<F, S>::poll, Core<F, S>::poll, Cell<F, S>::new, ...). `--explain` groups them
// by function family, the symbol with its generic arguments taken out, so the reader sees what costs what.
import type { CodePart } from '../model/report.ts';
import { compareText } from '../text-order.ts';

export interface CodeFamily {
  family: string;
  symbols: number;
  bytes: number;
}

/**
 * `<tokio::runtime::task::harness::Harness<F, S>>::poll` → `<tokio::runtime::task::harness::Harness>::poll`:
 * generic argument lists after a name, and turbofish `::<..>`, are removed innermost first (linear in
 * practice: each pass removes every innermost list).
 */
export function codeFamily(symbol: string): string {
  let s = symbol.replace(/::h[0-9a-f]{16}$/, '');
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/(::)?<[^<>]*>/g, (m, turbofish: string | undefined, offset: number) => {
      if (turbofish) return '';
      // A list right after a name (or `]`/`)`) holds generic arguments; a leading `<X as Y>` is a path.
      const before = s[offset - 1];
      // The path's brackets are set aside as ⟨⟩ so the next pass does not see them, and put back at the end.
      if (before !== undefined && /[\w\])]/.test(before)) return '';
      return `\u27e8${m.slice(1, -1)}\u27e9`;
    });
  }
  // `<tokio::task::Cell>::new` (an inherent impl) reads as the path it is: `tokio::task::Cell::new`.
  s = s.replace(/\u27e8([^\u27e8\u27e9]*)\u27e9::/g, (m, path: string) =>
    path.includes(' as ') ? m : `${path}::`,
  );
  return s.replace(/\u27e8/g, '<').replace(/\u27e9/g, '>');
}

/** Families of the given parts, biggest first (ties by name, so output is stable). */
export function codeFamilies(parts: CodePart[]): CodeFamily[] {
  const by = new Map<string, CodeFamily>();
  for (const p of parts) {
    const family = codeFamily(p.symbol);
    const f = by.get(family) ?? { family, symbols: 0, bytes: 0 };
    f.symbols += p.copies;
    f.bytes += p.bytes;
    by.set(family, f);
  }
  return [...by.values()].sort((a, b) => b.bytes - a.bytes || compareText(a.family, b.family));
}
