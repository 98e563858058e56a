// Rust symbol demangling, both schemes. rustc 1.95 ships a v0-mangled std even when user crates are
// legacy-mangled, so every binary mixes them. The output is meant to be identical to rustfilt's (the
// test oracle), which is rustc-demangle's alternate form applied to every `_ZN...`/`_R...` run in a line.
import { type Demangled, demangleLegacy } from './legacy.ts';
import { demangleV0 } from './v0.ts';

export interface DemangleOptions {
  /** Keep legacy `::h<hash>` elements and v0 crate disambiguators `[hash]` (rustfilt `-h`). Default false. */
  keepHash?: boolean;
}

/** What rustfilt treats as a mangled name inside arbitrary text. */
const MANGLED_RUN = /_(?:ZN|R)[$._A-Za-z0-9]*/g;
const LLVM_SUFFIX = '.llvm.';

/** LLVM symbol suffixes (`.cold`, `.llvm.123`) are kept when they look like symbol text. */
function isSymbolLike(s: string): boolean {
  return /^[\x21-\x7e]*$/.test(s); // ASCII alphanumerics and punctuation
}

/** rustc-demangle's `demangle` on one mangled run, in its alternate (`{:#}`) or plain form. */
function demangleRun(run: string, keepHash: boolean): string {
  // ThinLTO renames imported locals to `<name>.llvm.<hex digits>`; drop that first.
  const llvm = run.indexOf(LLVM_SUFFIX);
  if (llvm >= 0 && /^[A-F0-9@]*$/.test(run.slice(llvm + LLVM_SUFFIX.length))) run = run.slice(0, llvm);
  const d: Demangled | null = demangleLegacy(run, keepHash) ?? demangleV0(run, keepHash);
  if (d === null) return run;
  if (d.rest === '') return d.text;
  return d.rest.startsWith('.') && isSymbolLike(d.rest) ? d.text + d.rest : run;
}

/**
 * Demangles a Rust symbol (legacy `_ZN...E` or v0 `_R...`). Anything else comes back unchanged.
 * By default hashes are stripped, as rustfilt prints them.
 */
export function demangle(symbol: string, options: DemangleOptions = {}): string {
  const keepHash = options.keepHash ?? false;
  if (!symbol.includes('_ZN') && !symbol.includes('_R')) return symbol;
  return symbol.replace(MANGLED_RUN, (run) => demangleRun(run, keepHash));
}

/** True for names in either Rust mangling scheme (at the start of the symbol). */
export function isRustSymbol(symbol: string): boolean {
  return symbol.startsWith('_ZN') || /^_R[A-Z]/.test(symbol);
}
