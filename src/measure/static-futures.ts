// Statics other than task pools that hold a future (issue #15): `static BLINK: StaticCell<BlinkFuture>` of
// an `impl Future` alias (nightly's type_alias_impl_trait, as static_cell's `make_static!` expands), or a
// static of such a type itself. On stable Rust no static can name a future's type, so these only appear in
// nightly builds. The symbol table gives the static's size but not its type, -Zprint-type-sizes the type's
// size but not the static: the declaration in the source joins them. Its outer constructor (`StaticCell`)
// and the symbol's size must pick exactly one future among the printed types that hold one; otherwise the
// static is not listed (a guess would put another future's numbers on it).
import type { AnalyzedItem, StaticFuture } from '../model/report.ts';
import { outerConstructor, type StaticDeclaration } from '../readers/rust-source/static-declarations.ts';
import type { HolderLayout } from '../readers/type-sizes.ts';
import { compareText } from '../text-order.ts';
import { skipGroup } from './code-paths.ts';
import type { DataStatic } from './task-ram.ts';

export interface CrateStatics {
  statics: { declaration: StaticDeclaration; file: string }[];
  /** The crate's `type Name = impl Trait` aliases: a static names a future's type only through one. */
  implAliases: ReadonlySet<string>;
}

export interface StaticFutureInput {
  /** Data statics that are not task pools. */
  statics: DataStatic[];
  /** Crates whose statics are reported (the analysed ones), as rustc names them. */
  crates: ReadonlySet<string>;
  items: AnalyzedItem[];
  holders: ReadonlyMap<string, HolderLayout>;
  /** The `static` declarations of the crates `candidateCrates` named. */
  declarations: ReadonlyMap<string, CrateStatics>;
}

type SizeInput = Omit<StaticFutureInput, 'declarations'>;

function futureSizes(input: SizeInput) {
  const layouts = new Map<string, { bytes: number; item: AnalyzedItem }>();
  for (const item of input.items)
    for (const l of item.layouts)
      if (!layouts.has(l.typeName)) layouts.set(l.typeName, { bytes: l.bytes, item });
  const sizes = new Set([
    ...[...input.holders.values()].map((h) => h.bytes),
    ...[...layouts.values()].map((l) => l.bytes),
  ]);
  return { layouts, sizes };
}

/** The crates with a static whose size is some future's or future holder's: only their sources are read. */
export function candidateCrates(input: SizeInput): Set<string> {
  const { sizes } = futureSizes(input);
  const out = new Set<string>();
  for (const s of input.statics) {
    const crate = s.name.split('::')[0]!;
    if (sizes.has(s.bytes) && input.crates.has(crate)) out.add(crate);
  }
  return out;
}

const COROUTINE = /\{(?:async fn body of |async block@|async closure body@|coroutine@)/;

/** The first coroutine type inside a type name (`{async fn body of blink()}` in `StaticCell<..>`). */
function heldFuture(typeName: string): string | undefined {
  const m = COROUTINE.exec(typeName);
  return m ? typeName.slice(m.index, skipGroup(typeName, m.index)) : undefined;
}

/** Whether a declared type can hold a future: it names an `impl Trait` alias or an associated type. */
function namesFutureType(type: string, aliases: ReadonlySet<string>): boolean {
  if (/>\s*::\s*[A-Za-z_]/.test(type)) return true;
  return (type.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).some((w) => aliases.has(w));
}

export function findStaticFutures(input: StaticFutureInput): StaticFuture[] {
  const { layouts, sizes } = futureSizes(input);
  const out: StaticFuture[] = [];
  for (const s of input.statics) {
    if (!sizes.has(s.bytes)) continue;
    const segs = s.name.split('::');
    const crate = segs[0]!;
    const name = segs.at(-1)!;
    if (segs.length < 2 || !input.crates.has(crate) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    const crateStatics = input.declarations.get(crate);
    if (!crateStatics) continue;
    const decls = crateStatics.statics.filter(
      (d) => d.declaration.name === name && namesFutureType(d.declaration.type, crateStatics.implAliases),
    );
    const ctors = new Set(decls.map((d) => outerConstructor(d.declaration.type) ?? ''));
    if (decls.length === 0 || ctors.size !== 1) continue;
    const ctor = [...ctors][0]!;
    // `StaticCell<F>`: a printed `…::StaticCell<..>` of that size; a bare alias: the future itself.
    const matches =
      ctor === ''
        ? [...layouts].filter(([, l]) => l.bytes === s.bytes).map(([type]) => ({ type, future: type }))
        : [...input.holders]
            .filter(([type, h]) => h.bytes === s.bytes && outerConstructor(type) === ctor)
            .map(([type]) => ({ type, future: heldFuture(type)! }));
    if (new Set(matches.map((m) => m.future)).size !== 1) continue;
    const match = matches[0]!;
    const layout = layouts.get(match.future);
    const decl = decls[0]!;
    out.push({
      name: segs.slice(1).join('::'),
      crate,
      symbol: s.name,
      bytes: s.bytes,
      section: s.section,
      type: match.type,
      future: match.future,
      futureBytes: layout?.bytes ?? null,
      ...(layout ? { item: layout.item.name } : {}),
      file: decl.file,
      line: decl.declaration.line,
    });
  }
  return out.sort((a, b) => b.bytes - a.bytes || compareText(a.name, b.name));
}
