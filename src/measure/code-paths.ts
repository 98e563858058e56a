// Item paths as they appear in demangled symbols and in MIR, reduced to comparable segment lists.
// Symbols print coroutines as `{closure#N}` (v0) or `{{closure}}` (legacy, no index), generic
// instantiations as `f::<T>` / `f<T>`, impl methods as `<Type>::m` / `<Type as Trait>::m` (v0) or
// `Type::m` (legacy); MIR prints impls as `<impl at src/x.rs:L:C: L:C>`. See rustc-outputs.md §3.1, §5.

/** A closure segment with its index, or `undefined` for legacy `{{closure}}` (index unknown). */
export interface ClosureSegment {
  closure: number | undefined;
}

/** A qualified-self segment `<Self as Trait>` / `<Self>`, paths already canonical. */
export interface QualifiedSegment {
  self: string;
  trait: string | undefined;
}

export type Segment = string | ClosureSegment | QualifiedSegment;

const IDENT_START = /[\p{L}_]/u;
const IDENT_CHAR = /[\p{L}\p{N}_]/u;

function isIdentChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 0x80)
    return (
      (code >= 0x61 && code <= 0x7a) ||
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x30 && code <= 0x39) ||
      code === 0x5f
    );
  return IDENT_CHAR.test(c);
}

function isIdentStart(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
  return IDENT_START.test(c);
}

/** Index just past the group opened at `start` (`<`, `{`, `(`, `[`), honouring nesting; text.length if unbalanced. */
export function skipGroup(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '{' || c === '(' || c === '[') depth++;
    else if (c === '>' || c === '}' || c === ')' || c === ']') {
      // `->` in fn pointer types is not a closing bracket.
      if (c === '>' && text[i - 1] === '-') continue;
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

/** Splits at `::` outside brackets. */
export function splitTopLevel(path: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < path.length; ) {
    const c = path[i];
    if (c === '<' || c === '{' || c === '(' || c === '[') {
      i = skipGroup(path, i);
      continue;
    }
    if (c === ':' && path[i + 1] === ':') {
      out.push(path.slice(start, i));
      i += 2;
      start = i;
      continue;
    }
    i++;
  }
  out.push(path.slice(start));
  return out;
}

/** Top-level comma-separated parts of a generic argument list's contents. */
export function splitArgs(inner: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < inner.length; ) {
    const c = inner[i];
    if (c === '<' || c === '{' || c === '(' || c === '[') {
      i = skipGroup(inner, i);
      continue;
    }
    if (c === ',') {
      out.push(inner.slice(start, i).trim());
      start = i + 1;
    }
    i++;
  }
  const last = inner.slice(start).trim();
  if (last !== '') out.push(last);
  return out;
}

/** Removes generic argument lists (`::<..>` and `Name<..>`), keeping qualified-self and `<impl at>` groups. */
export function stripGenerics(path: string): string {
  if (!path.includes('<')) return path;
  let out = '';
  let copied = 0;
  for (let i = path.indexOf('<'); i >= 0 && i < path.length; i = path.indexOf('<', i)) {
    const end = skipGroup(path, i);
    const prev = path[i - 1];
    const isImplBlock = path.startsWith('<impl at ', i);
    out += path.slice(copied, i);
    if (!isImplBlock && (isIdentChar(prev) || prev === ':' || prev === '>' || prev === '}')) {
      if (out.endsWith('::')) out = out.slice(0, -2);
    } else {
      out += isImplBlock ? path.slice(i, end) : `<${stripGenerics(path.slice(i + 1, end - 1))}>`;
    }
    copied = end;
    i = end;
  }
  return out + path.slice(copied);
}

function closureOf(seg: string): ClosureSegment | undefined {
  if (seg === '{{closure}}') return { closure: undefined };
  const m = /^\{closure#(\d+)\}$/.exec(seg);
  return m ? { closure: Number(m[1]) } : undefined;
}

/** `<A as B>` / `<A>` → qualified segment; undefined for anything else. */
function qualifiedOf(seg: string): QualifiedSegment | undefined {
  if (!seg.startsWith('<') || !seg.endsWith('>') || seg.startsWith('<impl at ')) return undefined;
  const inner = seg.slice(1, -1);
  // Find ` as ` at the top level.
  for (let i = 0; i < inner.length; ) {
    const c = inner[i];
    if (c === '<' || c === '{' || c === '(' || c === '[') {
      i = skipGroup(inner, i);
      continue;
    }
    if (inner.startsWith(' as ', i)) return { self: inner.slice(0, i), trait: inner.slice(i + 4) };
    i++;
  }
  return { self: inner, trait: undefined };
}

/** Canonical segments of a demangled path (hashes already stripped): generics removed, closures decoded. */
export function symbolSegments(path: string): Segment[] {
  return splitTopLevel(stripGenerics(path)).map((s) => closureOf(s) ?? qualifiedOf(s) ?? s);
}

export function isClosure(seg: Segment | undefined): seg is ClosureSegment {
  return typeof seg === 'object' && 'closure' in seg;
}

export function isQualified(seg: Segment | undefined): seg is QualifiedSegment {
  return typeof seg === 'object' && 'self' in seg;
}

/** Segments compare equal; a legacy closure (no index) matches any closure. */
export function segmentMatches(a: Segment, b: Segment): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (isClosure(a) && isClosure(b))
    return a.closure === undefined || b.closure === undefined || a.closure === b.closure;
  if (isQualified(a) && isQualified(b)) return a.self === b.self && a.trait === b.trait;
  return false;
}

export function segmentText(s: Segment): string {
  if (typeof s === 'string') return s;
  if (isClosure(s)) return s.closure === undefined ? '{{closure}}' : `{closure#${s.closure}}`;
  return s.trait === undefined ? `<${s.self}>` : `<${s.self} as ${s.trait}>`;
}

/**
 * Every path in a demangled name that ends in a closure segment: the symbol's own path and those
 * inside generic arguments (`raw::poll::<app::main::{closure#0}, ..>`, `drop_in_place::<..>`).
 * Returned as the path text (generics kept) so callers can canonicalise with symbolSegments.
 */
export function coroutinePathsIn(name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    const prev = name[i - 1];
    const startsIdent = isIdentStart(c) && !isIdentChar(prev) && prev !== ':' && prev !== "'";
    const startsQualified = c === '<' && !isIdentChar(prev) && prev !== ':' && prev !== '>';
    if (!startsIdent && !startsQualified) continue;
    const end = pathEnd(name, i);
    const path = name.slice(i, end);
    if (/\{closure#\d+\}|\{\{closure\}\}/.test(path)) {
      const segs = splitTopLevel(stripGenerics(path));
      if (closureOf(segs[segs.length - 1]!)) out.push(path);
    }
  }
  return out;
}

/** End of the path starting at `start`: identifiers, `::`, `{..}` segments and generic groups. */
function pathEnd(text: string, start: number): number {
  let i = start;
  for (;;) {
    const c = text[i];
    if (c === undefined) return i;
    if (c === '<' || c === '{') {
      // A `<`/`{` continues the path at its start, after `::` or right after an identifier (legacy generics).
      const prev = text[i - 1];
      if (i === start || prev === ':' || (c === '<' && (isIdentChar(prev) || prev === '}'))) {
        i = skipGroup(text, i);
        continue;
      }
      return i;
    }
    if (isIdentChar(c)) {
      i++;
      continue;
    }
    if (c === ':' && text[i + 1] === ':') {
      i += 2;
      continue;
    }
    return i;
  }
}

/** The crate a canonical symbol path belongs to: its first segment, or the self type's (else trait's) crate. */
export function crateOf(segs: Segment[]): string | undefined {
  const first = segs[0];
  if (typeof first === 'string') return first;
  if (isQualified(first)) {
    const selfCrate = splitTopLevel(first.self)[0];
    if (selfCrate !== undefined && /^[\p{L}_][\p{L}\p{N}_]*$/u.test(selfCrate) && first.self.includes('::'))
      return selfCrate;
    return first.trait ? splitTopLevel(first.trait)[0] : undefined;
  }
  return undefined;
}

/** A MIR coroutine path split into the parts matching needs. */
export interface MirPath {
  /** Segments before the first `<impl at ...>`, or all of them when there is none. */
  module: Segment[];
  /** True when the path goes through an impl block. */
  viaImpl: boolean;
  /** Segments after the impl (method name, closures); empty without an impl. */
  tail: Segment[];
}

/** Parses a crate-relative MIR path such as `radio::<impl at src/radio.rs:8:1: 8:11>::send::{closure#0}`. */
export function parseMirPath(path: string): MirPath {
  const parts = splitTopLevel(stripGenerics(path.replace(/^crate::/, '')));
  const implAt = parts.findIndex((p) => p.startsWith('<impl at ') || /^\{impl#\d+\}$/.test(p));
  const toSeg = (s: string): Segment => closureOf(s) ?? s;
  if (implAt < 0) return { module: parts.map(toSeg), viaImpl: false, tail: [] };
  return {
    module: parts.slice(0, implAt).map(toSeg),
    viaImpl: true,
    tail: parts.slice(implAt + 1).map(toSeg),
  };
}
