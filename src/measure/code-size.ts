// Attribution of machine code to async items (issue #4): for each coroutine, its poll fn(s), its drop
// glue and the runtime code instantiated for it, from the function symbols of one or more ELF objects.
//
// Matching strategy (MIR path -> symbol). Symbols never carry `{async_fn#0}`; every coroutine is a
// closure segment. Both sides are reduced to canonical segments (code-paths.ts: generics stripped,
// legacy `{{closure}}` matching any closure index):
// * free items: `crate` + the MIR path must equal the symbol path segment by segment;
// * impl items: MIR says `module::<impl at src/x.rs:L:C: ..>::method::{closure#N}`, symbols say
//   `<crate::module::Type>::method`, `<crate::Type as crate::Trait>::method` or (legacy inherent)
//   `crate::module::Type::method`. The method + closure tail must match; a symbol whose self type lives
//   in the impl's module wins (MIR may trim that module to its last segments: a type in a module ending
//   so is next best); an optional `selfType` hint (from the source scan) narrows further, and a self type
//   written as a path (`impl crate::a::Probe`) picks its type wherever the impl is. Instantiations
//   of a generic impl (`<crate::m::Tx<u8>>::send`, `<crate::m::Tx<Cmd>>::send`) are one path, summed.
//   Anything still matching several distinct paths is reported as ambiguous, never guessed.
// * trait default methods: MIR says `Trait::method::{closure#N}` like a free item, but each implementing
//   type gets its own copy, `<crate::Type as crate::Trait>::method::{closure#N}`. All those copies are
//   one item's code (like the instantiations of a generic fn), so they are summed, not ambiguous. An
//   impl that overrides the method demangles to the same path; paths an impl item claims are its own.
// Legacy mangling cannot tell `f::{closure#0}` from `f::{closure#1}`; when two requested coroutines
// land on one legacy path both are reported ambiguous (build with `-C symbol-mangling-version=v0`).
import type { CodePart, CodeSize } from '../model/report.ts';
import { demangle, isRustSymbol } from '../readers/demangle/index.ts';
import { SHN_LORESERVE, SHN_UNDEF, STT_FUNC, textBytes } from '../readers/elf.ts';
import { frameOf } from '../readers/stack-sizes.ts';
import { compareText } from '../text-order.ts';
import type { CodeObject } from './code-objects.ts';
import {
  type ClosureSegment,
  coroutinePathsIn,
  crateOf,
  isClosure,
  isQualified,
  parseMirPath,
  type Segment,
  segmentMatches,
  segmentText,
  splitTopLevel,
  stripGenerics,
  symbolSegments,
} from './code-paths.ts';

export interface CoroutineRef {
  /** Crate name as rustc spells it (`firmware_demo`). */
  crate: string;
  /** Crate-relative MIR path: `radio::send::{closure#0}`, `<impl at src/radio.rs:10:1: 10:15>::send::{closure#0}`. */
  path: string;
  /** For impl items: the impl's self type name (`Radio`), when known; disambiguates impls in one module. */
  selfType?: string;
  /**
   * For impl items whose self type is written as a path (`impl crate::radio::Radio`, `impl super::Radio`,
   * `impl radio::Radio`): its segments. Symbols name the self type, so this tells impls of same-named
   * types apart wherever the impl is. A path that fits no symbol (a re-export) is ignored.
   */
  selfPath?: string[];
}

export interface CodeAttribution {
  coroutine: CoroutineRef;
  code: CodeSize;
  /** The coroutine's path as symbols print it (hash-free), when it was found; a trait default method's
   * copies are joined with `, `. */
  symbolPath?: string;
  /** Several symbol paths (or several requested coroutines) fit; nothing was attributed. */
  ambiguous?: string[];
  /**
   * Why, with `ambiguous`: `impls` — methods of several same-named types fit (symbols name the self type,
   * not the impl block, and none of these types is in the impl's module or named by the impl's path);
   * `legacy` — a legacy `{{closure}}` symbol (no closure index) fits several coroutines or sits next to
   * the v0 spelling of the same path; `paths` — any other several symbol paths.
   */
  ambiguity?: 'impls' | 'legacy' | 'paths';
}

export interface CrateCode {
  crate: string;
  /** Bytes of every symbol attributed to the crate's coroutines, each symbol counted once. */
  asyncCodeBytes: number;
}

export interface CodeSizeResult {
  items: CodeAttribution[];
  crates: CrateCode[];
  /** `.text` (+ `.text.*`) bytes over all objects. */
  textBytes: number;
}

/** All local copies of one function name (CGU duplicates, archive members), summed. */
interface FunctionGroup {
  name: string;
  bytes: number;
  copies: number;
  /** Largest stack frame over the copies, from `.stack_sizes`; undefined when no copy has an entry. */
  frameBytes?: number;
}

const DROP_FNS = new Set(['core::ptr::drop_in_place', 'core::ptr::drop_glue']);

/** Defined, sized function symbols grouped by raw name (`.llvm.N` ThinLTO suffixes folded in). */
function functionGroups(objects: CodeObject[]): Map<string, FunctionGroup> {
  const groups = new Map<string, FunctionGroup>();
  for (const { elf, stack } of objects) {
    const withFrames = stack?.present === true;
    for (const s of elf.symbols) {
      if (s.type !== STT_FUNC || s.size === 0 || s.shndx === SHN_UNDEF || s.shndx >= SHN_LORESERVE) continue;
      const key = s.name.replace(/\.llvm\.\d+$/, '');
      const frame = withFrames ? frameOf(stack, elf, s) : undefined;
      const g = groups.get(key);
      if (g) {
        g.bytes += s.size;
        g.copies++;
        if (frame !== undefined) g.frameBytes = Math.max(g.frameBytes ?? 0, frame);
      } else {
        groups.set(key, { name: key, bytes: s.size, copies: 1 });
        if (frame !== undefined) groups.get(key)!.frameBytes = frame;
      }
    }
  }
  return groups;
}

const keyOf = (segs: Segment[]): string => segs.map(segmentText).join('::');

interface Role {
  kind: CodePart['kind'];
  group: FunctionGroup;
  demangled: string;
}

/** The first generic argument list's single argument of `drop_in_place::<X>` / `drop_in_place<X>`. */
function dropGlueArgument(demangled: string): string | undefined {
  if (!DROP_FNS.has(stripGenerics(demangled))) return undefined;
  const open = demangled.indexOf('<');
  if (open < 0 || !demangled.endsWith('>')) return undefined;
  return demangled.slice(open + 1, -1);
}

/** Indexes every function by the coroutine paths it is the poll fn / drop glue / runtime code of. */
function indexRoles(groups: Map<string, FunctionGroup>): {
  roles: Map<string, Role[]>;
  paths: Map<string, Segment[]>;
} {
  const roles = new Map<string, Role[]>();
  const paths = new Map<string, Segment[]>();
  const add = (segs: Segment[], role: Role): void => {
    const key = keyOf(segs);
    paths.set(key, segs);
    const list = roles.get(key);
    if (list) {
      if (!list.some((r) => r.group === role.group)) list.push(role);
    } else roles.set(key, [role]);
  };
  for (const group of groups.values()) {
    // Only names that can mention a closure: v0 spells one `NC` (closure namespace; backrefs point
    // inside the same symbol, so the literal is always there), legacy `closure`. Skips most of std.
    if (!isRustSymbol(group.name) || !(group.name.includes('NC') || group.name.includes('closure'))) continue;
    const demangled = demangle(group.name);
    if (!demangled.includes('closure')) continue;
    const own = symbolSegments(demangled);
    const dropArg = dropGlueArgument(demangled);
    let ownKey: string | undefined;
    if (isClosure(own[own.length - 1])) {
      add(own, { kind: 'poll', group, demangled });
      ownKey = keyOf(own);
    } else if (dropArg !== undefined) {
      const argSegs = symbolSegments(dropArg);
      if (isClosure(argSegs[argSegs.length - 1]) && coroutinePathsIn(dropArg)[0] === dropArg) {
        add(argSegs, { kind: 'drop', group, demangled });
        ownKey = keyOf(argSegs);
      }
    }
    for (const p of coroutinePathsIn(demangled)) {
      const segs = symbolSegments(p);
      if (keyOf(segs) !== ownKey) add(segs, { kind: 'runtime', group, demangled });
    }
  }
  return { roles, paths };
}

function sameNames(a: Segment[], b: Segment[]): boolean {
  return a.length === b.length && a.every((s, i) => segmentMatches(s, b[i]!));
}

/** `<Type as crate::Trait>::method::..` for the MIR path `Trait::method::..` of a default method. */
function isDefaultMethodCopy(segs: Segment[], crate: string, module: Segment[]): boolean {
  const first = segs[0];
  if (!isQualified(first) || first.trait === undefined) return false;
  const traitPath = splitTopLevel(first.trait);
  return traitPath[0] === crate && sameNames([...traitPath.slice(1), ...segs.slice(1)], module);
}

/**
 * Symbol paths that could be `ref`, strongest evidence first (see the matching strategy above), in
 * groups: each group is one candidate item; several paths in a group are copies of one default method.
 */
function candidatesFor(
  ref: CoroutineRef,
  paths: Map<string, Segment[]>,
  implMethods: Set<string> = new Set(),
): { groups: string[][]; weak: boolean } {
  const mir = parseMirPath(ref.path);
  const strong: string[] = [];
  // MIR trims module paths, impls' too (`bounded::<impl at ..>` for `sync::mpsc::bounded`): a self type
  // whose module ends in the MIR's is next best.
  const trimmed: string[] = [];
  const weak: string[] = [];
  const byPath: string[] = [];
  const selfPath = ref.selfPath && resolveSelfPath(ref.selfPath, ref.crate, mir.module);
  const defaultCopies: string[] = [];
  for (const [key, segs] of paths) {
    // The copy's self type may live in any crate; the trait is the item's.
    // An impl that overrides the method prints the same path; it belongs to that impl's item.
    if (!mir.viaImpl && !implMethods.has(key) && isDefaultMethodCopy(segs, ref.crate, mir.module))
      defaultCopies.push(key);
    if (crateOf(segs) !== ref.crate) continue;
    if (!mir.viaImpl) {
      if (segs[0] === ref.crate && sameNames(segs.slice(1), mir.module)) strong.push(key);
      continue;
    }
    if (segs.length <= mir.tail.length || !sameNames(segs.slice(segs.length - mir.tail.length), mir.tail))
      continue;
    const head = segs.slice(0, segs.length - mir.tail.length);
    const first = head[0];
    let typePath: string[];
    if (head.length === 1 && isQualified(first)) typePath = splitTopLevel(first.self);
    else if (first === ref.crate && head.length >= 2 && head.every((s) => typeof s === 'string'))
      typePath = head as string[];
    else continue;
    const typeName = typePath[typePath.length - 1];
    if (ref.selfType !== undefined && typeName !== ref.selfType) continue;
    if (selfPath && (selfPath.absolute ? sameNames : endsWithNames)(typePath, selfPath.segments))
      byPath.push(key);
    const typeModule = typePath.slice(0, -1);
    if (sameNames(typeModule, [ref.crate, ...mir.module])) strong.push(key);
    else if (mir.module.length > 0 && endsWithNames(typeModule, mir.module)) trimmed.push(key);
    else weak.push(key);
  }
  if (defaultCopies.length > 0) strong.push(defaultCopies.join(GROUP));
  if (byPath.length > 0) return { groups: byPath.map((k) => k.split(GROUP)), weak: false };
  if (strong.length > 0) return { groups: strong.map((k) => k.split(GROUP)), weak: false };
  if (trimmed.length > 0) return { groups: trimmed.map((k) => k.split(GROUP)), weak: false };
  // A same-named method of a type in another module: the impl may sit in another module than its type,
  // but more often the item's own symbol is simply not linked (a dependency's method the program never
  // calls) and this is another type's method. `weak` says so; attributeCode keeps only what no item claims.
  return { groups: weak.map((k) => k.split(GROUP)), weak: true };
}

/** `crate::a::T` / `self::T` / `super::a::T` from the impl's module; a plain `a::T` is only a suffix. */
function resolveSelfPath(
  path: string[],
  crate: string,
  module: Segment[],
): { segments: Segment[]; absolute: boolean } | undefined {
  let base: Segment[] | undefined;
  let rest = path;
  if (path[0] === 'crate') {
    base = [crate];
    rest = path.slice(1);
  } else if (path[0] === 'self' || path[0] === 'super') {
    base = [crate, ...module];
    for (; rest[0] === 'self' || rest[0] === 'super'; rest = rest.slice(1))
      if (rest[0] === 'super') {
        if (base.length <= 1) return undefined;
        base = base.slice(0, -1);
      }
  }
  if (rest.length === 0) return undefined;
  return base ? { segments: [...base, ...rest], absolute: true } : { segments: rest, absolute: false };
}

function endsWithNames(path: Segment[], suffix: Segment[]): boolean {
  return path.length >= suffix.length && sameNames(path.slice(path.length - suffix.length), suffix);
}

/** Joins the paths of one candidate group; never occurs in a demangled path. */
const GROUP = '\n';

function hasLegacyClosure(segs: Segment[]): boolean {
  return segs.some((s) => isClosure(s) && (s as ClosureSegment).closure === undefined);
}

/** The roles of every path in a candidate group, each function once. */
function rolesOf(keys: string[], roles: Map<string, Role[]>): Role[] {
  const out: Role[] = [];
  for (const r of keys.flatMap((k) => roles.get(k) ?? []))
    if (!out.some((o) => o.group === r.group)) out.push(r);
  return out;
}

function codeSizeOf(roles: Role[]): CodeSize {
  const parts: CodePart[] = roles.map((r) => ({
    symbol: r.demangled,
    kind: r.kind,
    bytes: r.group.bytes,
    copies: r.group.copies,
    ...(r.group.frameBytes !== undefined ? { frameBytes: r.group.frameBytes } : {}),
  }));
  const order = { poll: 0, drop: 1, runtime: 2 };
  parts.sort((a, b) => order[a.kind] - order[b.kind] || b.bytes - a.bytes || compareText(a.symbol, b.symbol));
  return {
    codeBytes: parts.reduce((n, p) => n + p.bytes, 0),
    parts,
    inlined: !parts.some((p) => p.kind === 'poll'),
  };
}

const EMPTY: CodeSize = { codeBytes: 0, parts: [], inlined: true };

/** Attributes the objects' function symbols to `coroutines`; see the matching strategy at the top. */
export function attributeCode(objects: CodeObject[], coroutines: CoroutineRef[]): CodeSizeResult {
  const groups = functionGroups(objects);
  const { roles, paths } = indexRoles(groups);
  const viaImpl = coroutines.map((c) => parseMirPath(c.path).viaImpl);
  const implMethods = new Set(
    coroutines.flatMap((c, i) => (viaImpl[i] ? candidatesFor(c, paths).groups.flat() : [])),
  );
  const found = coroutines.map((c) => candidatesFor(c, paths, implMethods));
  // A symbol another item matches by its module is that item's, never a weak match's (tokio's
  // `oneshot::Sender::closed`, not linked, must not take `watch::Sender::closed`, which is).
  const claimedByModule = new Set(found.flatMap((f) => (f.weak ? [] : f.groups.flat())));
  const resolved = found.map((f) =>
    f.weak ? f.groups.filter((g) => !g.some((k) => claimedByModule.has(k))) : f.groups,
  );
  // Legacy `{{closure}}` paths claimed by more than one requested coroutine cannot be split.
  const claims = new Map<string, number[]>();
  resolved.forEach((groups, i) => {
    if (groups.length === 1) for (const key of groups[0]!) claims.set(key, [...(claims.get(key) ?? []), i]);
  });
  const items: CodeAttribution[] = coroutines.map((coroutine, i) => {
    const groups = resolved[i]!;
    if (groups.length > 1) {
      const ambiguous = groups.flat();
      // A legacy `f::{{closure}}` next to `f::{closure#0}` (crates mangled both ways): v0 would tell.
      const segs = ambiguous.map((k) => paths.get(k)!);
      const mixed = segs.some((a) => hasLegacyClosure(a) && segs.some((b) => b !== a && sameNames(a, b)));
      const ambiguity = mixed ? 'legacy' : viaImpl[i] ? 'impls' : 'paths';
      return { coroutine, code: EMPTY, ambiguous, ambiguity };
    }
    const keys = groups[0];
    if (keys === undefined) return { coroutine, code: EMPTY };
    const contested = keys.find((k) => (claims.get(k) ?? []).length > 1 && hasLegacyClosure(paths.get(k)!));
    if (contested !== undefined)
      return {
        coroutine,
        code: EMPTY,
        ambiguous: claims.get(contested)!.map((j) => coroutines[j]!.path),
        ambiguity: 'legacy',
      };
    return { coroutine, code: codeSizeOf(rolesOf(keys, roles)), symbolPath: keys.join(', ') };
  });
  const perCrate = new Map<string, Set<FunctionGroup>>();
  items.forEach((item, i) => {
    const set = perCrate.get(item.coroutine.crate) ?? new Set<FunctionGroup>();
    perCrate.set(item.coroutine.crate, set);
    const keys = resolved[i]!.length === 1 ? resolved[i]![0]! : [];
    if (item.symbolPath !== undefined) for (const r of rolesOf(keys, roles)) set.add(r.group);
  });
  const crates = [...perCrate].map(([crate, set]) => ({
    crate,
    asyncCodeBytes: [...set].reduce((n, g) => n + g.bytes, 0),
  }));
  return { items, crates, textBytes: objects.reduce((n, o) => n + textBytes(o.elf), 0) };
}
