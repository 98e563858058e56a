// Measurements derived from one coroutine layout (from -Zprint-type-sizes): what each await holds, the
// largest saved local, arguments stored twice, and the futures awaited in each state (the awaitee tree).
import type {
  AwaiteeChild,
  FutureLayout,
  HeldAcrossAwait,
  LayoutField,
  StateLayout,
} from '../model/report.ts';

export interface LargestHeldLocal {
  state: string;
  field: LayoutField;
}

export interface ResolvedChild extends AwaiteeChild {
  /** The child's own layout, when the awaited type was found among the layouts indexed. */
  layout?: FutureLayout;
  /** True when the state holds only a pointer to the child (`Pin<Box<F>>`, `&mut F`): its bytes live elsewhere. */
  indirect: boolean;
}

export interface LayoutMeasures {
  /** The layout's states with `awaitLine` filled in where the caller knew it. */
  states: StateLayout[];
  heldAcrossAwait: HeldAcrossAwait[];
  largestHeldLocal?: LargestHeldLocal;
  /** Arguments saved both as `upvar` and as `local` in some state (rust#62958); bytes = the extra copy. */
  duplicatedArgs: { name: string; bytes: number }[];
  children: ResolvedChild[];
}

export interface MeasureOptions {
  /** Layouts to resolve awaitees against (usually every coroutine the build printed). */
  index?: FutureIndex;
  /** Source line of the await for each `SuspendN` (from the MIR reader, when it had spans). */
  awaitLines?: ReadonlyMap<string, number>;
  /** Maps a resolved child layout to the analysed item's name (AwaiteeChild.item). */
  itemOf?: (layout: FutureLayout) => string | undefined;
}

export function measureLayout(layout: FutureLayout, options: MeasureOptions = {}): LayoutMeasures {
  const { index, awaitLines, itemOf } = options;
  const states = layout.states.map((s) => {
    const line = awaitLines?.get(s.name);
    return line === undefined ? s : { ...s, awaitLine: line };
  });
  const suspends = states.filter((s) => /^Suspend\d+$/.test(s.name));

  const heldAcrossAwait: HeldAcrossAwait[] = suspends.map((s) => {
    const fields = s.fields.filter((f) => f.kind !== 'padding').sort((a, b) => b.bytes - a.bytes);
    const held: HeldAcrossAwait = { state: s.name, bytes: sum(fields), fields };
    if (s.awaitLine !== undefined) held.line = s.awaitLine;
    return held;
  });

  let largestHeldLocal: LargestHeldLocal | undefined;
  for (const s of suspends)
    for (const f of s.fields)
      if (f.kind === 'local' && f.bytes > (largestHeldLocal?.field.bytes ?? -1))
        largestHeldLocal = { state: s.name, field: f };

  const dup = new Map<string, number>();
  for (const s of suspends) {
    const upvars = new Set(s.fields.filter((f) => f.kind === 'upvar').map((f) => f.name));
    for (const f of s.fields)
      if (f.kind === 'local' && upvars.has(f.name)) dup.set(f.name, Math.max(dup.get(f.name) ?? 0, f.bytes));
  }
  const duplicatedArgs = [...dup].map(([name, bytes]) => ({ name, bytes }));

  const children: ResolvedChild[] = [];
  for (const s of suspends)
    for (const f of s.fields) {
      if (f.kind !== 'awaitee' || f.type === undefined) continue;
      const { inner, indirect } = unwrapFuture(f.type);
      const child: ResolvedChild = { typeName: inner, bytes: f.bytes, state: s.name, indirect };
      const found = index && resolveFuture(index, inner, indirect ? undefined : f.bytes);
      if (found) {
        child.layout = found;
        const item = itemOf?.(found);
        if (item !== undefined) child.item = item;
      }
      children.push(child);
    }

  const out: LayoutMeasures = { states, heldAcrossAwait, duplicatedArgs, children };
  if (largestHeldLocal) out.largestHeldLocal = largestHeldLocal;
  return out;
}

function sum(fields: LayoutField[]): number {
  let n = 0;
  for (const f of fields) n += f.bytes;
  return n;
}

// ---- wrappers ------------------------------------------------------------------------------------------

// Wrappers rustc puts around every future (and `Pin`, which users write): folded into what they wrap.
const TRANSPARENT = /^(?:[\w:]*::)?(?:ManuallyDrop|MaybeUninit|MaybeDangling|Pin)</;
// Pointers: the child is not stored inline, only its address.
const POINTER = /^(?:[\w:]*::)?Box</;
const REFERENCE = /^&(?:'\w+ )?(?:mut )?/;

/** Strips `ManuallyDrop<…>`, `MaybeUninit<…>`, `MaybeDangling<…>`, `Pin<…>`, `Box<…>` and `&mut` around a type. */
export function unwrapFuture(typeName: string): { inner: string; indirect: boolean } {
  let inner = typeName.trim();
  let indirect = false;
  for (;;) {
    const ref = REFERENCE.exec(inner);
    if (ref) {
      inner = inner.slice(ref[0].length);
      indirect = true;
      continue;
    }
    const transparent = TRANSPARENT.exec(inner);
    const wrapper = transparent ?? POINTER.exec(inner);
    if (!wrapper) break;
    const arg = soleGenericArg(inner, wrapper[0].length - 1);
    if (arg === undefined) break;
    if (!transparent) indirect = true;
    inner = arg;
  }
  return { inner, indirect };
}

/** For `W<ARG>` with `<` at `open` closing at the very end, returns ARG (first argument if several). */
function soleGenericArg(text: string, open: number): string | undefined {
  let depth = 0;
  let firstComma = -1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '<') depth++;
    else if (c === '>' && text[i - 1] !== '-') {
      depth--;
      if (depth === 0) {
        if (i !== text.length - 1) return undefined;
        return text.slice(open + 1, firstComma > 0 ? firstComma : i);
      }
    } else if (c === '{' || c === '(' || c === '[') depth += 100;
    else if (c === '}' || c === ')' || c === ']') depth -= 100;
    else if (c === ',' && depth === 1 && firstComma < 0) firstComma = i;
  }
  return undefined;
}

// ---- resolving awaitees to layouts --------------------------------------------------------------------

/**
 * Name normalisation. rustc prints the same future with differently trimmed paths depending on the crate
 * and the position: the header `{async fn body of generic<std::string::String>()}` is the awaitee
 * `{async fn body of generic<String>()}`; tokio's own output says `net::tcp::listener::TcpListener::accept`
 * where a dependent crate says `tokio::net::TcpListener::accept`. The key therefore drops every module path
 * prefix (`a::b::C` → `C`, also inside generic arguments and `{closure@…}` names) after unwrapping wrappers.
 * That can make two different futures share a key, so when the awaitee is stored inline its size must
 * also match the candidate's size. Candidates left that differ only by a leading module path are the same
 * future printed by two crates; any other ambiguity stays unresolved rather than guessed.
 */
export function futureKey(typeName: string): string {
  return unwrapFuture(typeName).inner.replace(PATH_PREFIX, '');
}

const PATH_PREFIX = /(?:(?:r#)?[\p{L}_][\p{L}\p{N}_]*::)+(?=(?:r#)?[\p{L}_])/gu;

export interface FutureIndex {
  byKey: Map<string, FutureLayout[]>;
}

export function indexFutures(futures: Iterable<FutureLayout>): FutureIndex {
  const byKey = new Map<string, FutureLayout[]>();
  for (const f of futures) {
    const key = futureKey(f.typeName);
    const list = byKey.get(key);
    if (list) list.push(f);
    else byKey.set(key, [f]);
  }
  return { byKey };
}

/** The layout a (possibly path-trimmed, wrapped) future type name refers to, if it is unambiguous. */
export function resolveFuture(
  index: FutureIndex,
  typeName: string,
  bytes?: number,
): FutureLayout | undefined {
  const candidates = index.byKey.get(futureKey(typeName));
  if (!candidates) return undefined;
  const exact = candidates.filter(
    (c) => c.typeName === typeName && (bytes === undefined || c.bytes === bytes),
  );
  if (exact.length > 0) return exact[0];
  const sized = bytes === undefined ? candidates : candidates.filter((c) => c.bytes === bytes);
  // Prefer names that are the query with a leading module path added or dropped (the awaitee field says
  // `tcp::stream::TcpStream::readable`, the header `net::tcp::stream::TcpStream::readable`).
  const inner = unwrapFuture(typeName).inner;
  const related = sized.filter(
    (c) => samePrintedFuture(c.typeName, inner) || samePrintedFuture(inner, c.typeName),
  );
  const pool = related.length > 0 ? related : sized;
  if (pool.length === 0) return undefined;
  // The same future printed by two crates differs only by a leading path (`runtime::io::X::f` in tokio's
  // own output, `tokio::runtime::io::X::f` downstream): those count as one. Keep the most qualified.
  const [top, ...rest] = [...pool].sort((a, b) => b.typeName.length - a.typeName.length);
  return rest.every((c) => samePrintedFuture(top!.typeName, c.typeName)) ? top : undefined;
}

/** True when `shorter` is `longer` with a leading module path dropped: `{… of a::b::f()}` vs `{… of b::f()}`. */
function samePrintedFuture(longer: string, shorter: string): boolean {
  if (longer === shorter) return true;
  const kind = /^\{async fn body of /.exec(shorter)?.[0];
  if (!kind || !longer.startsWith(kind)) return false;
  return longer.endsWith(`::${shorter.slice(kind.length)}`);
}

/** Await lines per state name from the MIR reader's suspend points, for MeasureOptions.awaitLines. */
export function awaitLinesOf(suspendPoints: { state: string; line?: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of suspendPoints) if (p.line !== undefined) out.set(p.state, p.line);
  return out;
}
