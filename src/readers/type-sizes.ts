// Reader for rustc's `-Zprint-type-sizes` output (stdout, one `print-type-size` line each). Coroutines become
// full `FutureLayout`s; every other type is kept only as size and alignment (to look up awaitee sizes and
// generic instantiations). Grammar and traps: ../../../shared/reference/rustc-outputs.md §2.
//
// Offsets: rustc prints `offset:` only when a field starts below its running cursor, and a `padding:` line
// whenever it starts above it. The cursor starts at the discriminant's size (not its real offset), so:
// cursor = discriminant bytes; `padding: P` → cursor += P; field offset = printed offset ?? cursor;
// cursor = offset + size. Fields are printed in (offset, size) order.
import type { FutureLayout, LayoutField, StateLayout } from '../model/report.ts';
import { type LineAccountOptions, type LineKind, lineMarker } from './line-account.ts';

export interface TypeSize {
  bytes: number;
  alignment: number;
}

/**
 * A struct that holds a future (`TaskStorage<{async fn body of run()}>`, `StaticCell<..>`): its fields and
 * end padding, so a task's slot can be split into header, future and padding.
 */
export interface HolderLayout {
  bytes: number;
  alignment: number;
  fields: { name: string; bytes: number }[];
  endPaddingBytes: number;
}

export interface TypeSizesReadResult {
  /** Every coroutine layout, in the order printed (a type printed by several crates appears once per crate). */
  futures: FutureLayout[];
  /** Every type printed, coroutines included; the first record wins when a name repeats. */
  types: Map<string, TypeSize>;
  /** Structs whose type names a coroutine among their generic arguments, with their fields. */
  holders: Map<string, HolderLayout>;
  /** Number of `type:` records read. */
  records: number;
  /** Lines that fit none of the known shapes (or sit at an indent rustc never prints): counted, with the first one. */
  unparsed: { count: number; example?: string };
}

const PREFIX = 'print-type-size ';
const HEADER = /^type: `(.*)`: (\d+) bytes, alignment: (\d+) bytes$/;
const DISCRIMINANT = /^discriminant: (\d+) bytes$/;
const VARIANT = /^variant `(.*)`: (\d+) bytes$/;
const FIELD =
  /^(field|upvar|local) `(.*?)`: (\d+) bytes(?:, offset: (\d+) bytes)?(?:, alignment: (\d+) bytes)?(?:, type: (.*))?$/;
const PADDING = /^padding: (\d+) bytes$/;
/** A coroutine type: `{async fn body of ..}`, `{async block@..}`, `{coroutine@..}`. */
const COROUTINE_TYPE = /\{(?:async fn body of |async block@|async closure body@|coroutine@)/g;

/**
 * Whether a coroutine appears among the name's generic arguments (after its first `<`). One search from
 * there: the regex `<.*\{…` it replaces retried from every `<`, quadratic in a deeply nested name.
 */
function holdsFuture(typeName: string): boolean {
  const open = typeName.indexOf('<');
  if (open < 0) return false;
  COROUTINE_TYPE.lastIndex = open + 1;
  return COROUTINE_TYPE.test(typeName);
}
const END_PADDING = /^end padding: (\d+) bytes$/;
// All the shapes above in one pattern (without captures), for the lines of types that are only skimmed.
const SKIM =
  /^(?:(?:field|upvar|local) `.*?`: \d+ bytes(?:, offset: \d+ bytes)?(?:, alignment: \d+ bytes)?(?:, type: .*)?|(?:end )?padding: \d+ bytes|variant `.*`: \d+ bytes|discriminant: \d+ bytes)$/;

interface Open {
  layout: FutureLayout;
  /** Whether this type may be a coroutine (name starts with `{`): read in full, confirmed by its states. */
  coroutine: boolean;
  /** A struct holding a future: its fields are kept. */
  holder?: HolderLayout;
  state?: StateLayout;
  cursor: number;
}

/**
 * Reads `-Zprint-type-sizes` output line by line, so output of any size can be read in pieces (a file past
 * Node's string limit, as `--deps` on a large service prints): `add` each line (without its newline), then
 * `finish`. Line accounting (`onLine`): ignored are blank lines, the lines of skimmed types (checked for
 * shape, not read: all but holders' own fields and end padding) and a coroutine's end padding.
 */
export class TypeSizesReader {
  private readonly result: TypeSizesReadResult = {
    futures: [],
    types: new Map(),
    holders: new Map(),
    records: 0,
    unparsed: { count: 0 },
  };
  private open: Open | undefined;
  private lineNo = 0;
  private readonly mark: ReturnType<typeof lineMarker>;

  constructor(options: LineAccountOptions = {}) {
    this.mark = lineMarker(options.onLine);
  }

  private close(): void {
    if (this.open?.coroutine) this.result.futures.push(this.open.layout);
    this.open = undefined;
  }

  private bad(line: string): void {
    this.result.unparsed.count++;
    this.result.unparsed.example ??= line;
    this.mark('unparsed', this.lineNo);
  }

  add(text: string): void {
    const { result, mark } = this;
    const lineNo = ++this.lineNo;
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line === '') {
      mark('ignored', lineNo);
      return;
    }
    if (!line.startsWith(PREFIX)) {
      this.bad(line);
      return;
    }
    let indent = PREFIX.length;
    while (line.charCodeAt(indent) === 32) indent++;
    const body = line.slice(indent);
    const depth = indent - PREFIX.length;
    if (inexactNumber(body)) {
      // A size past 2^53 cannot be held exactly: counted, never rounded (nor written as `null` in JSON).
      this.bad(line);
      if (depth === 0) this.close();
      return;
    }

    if (depth === 0) {
      const m = HEADER.exec(body);
      if (!m) {
        this.bad(line);
        return;
      }
      this.close();
      mark('understood', lineNo);
      result.records++;
      const typeName = m[1]!;
      const size = { bytes: Number(m[2]), alignment: Number(m[3]) };
      if (!result.types.has(typeName)) result.types.set(typeName, size);
      // Only types whose name can be a coroutine get the full treatment; the rest are skimmed.
      const open: Open = {
        layout: { typeName, ...size, discriminantBytes: 0, states: [] },
        coroutine: typeName.startsWith('{'),
        cursor: 0,
      };
      if (!open.coroutine && holdsFuture(typeName) && !result.holders.has(typeName)) {
        open.holder = { ...size, fields: [], endPaddingBytes: 0 };
        result.holders.set(typeName, open.holder);
      }
      this.open = open;
      return;
    }
    const open = this.open;
    // rustc indents a type's own lines by 4 and a variant's fields by 8.
    if (!open || (depth !== 4 && depth !== 8)) {
      this.bad(line);
      return;
    }
    if (!open.coroutine) {
      // Skimmed type: still check the line has a known shape, so nothing unknown passes unnoticed.
      if (!SKIM.test(body)) this.bad(line);
      else mark(open.holder && depth === 4 ? readHolderLine(open.holder, body) : 'ignored', lineNo);
      return;
    }
    const kind = readLayoutLine(open, body, depth);
    if (kind === 'unparsed') this.bad(line);
    else mark(kind, lineNo);
  }

  finish(): TypeSizesReadResult {
    this.close();
    const { result } = this;
    // A `{…}` type is a coroutine only if it has rustc's coroutine states (closures are `{closure@…}` structs).
    result.futures = result.futures.filter((f) => f.states.some((s) => s.name === 'Unresumed'));
    return result;
  }
}

/** Reads the whole output at once (see TypeSizesReader). */
export function readTypeSizes(text: string, options: LineAccountOptions = {}): TypeSizesReadResult {
  const reader = new TypeSizesReader(options);
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    reader.add(text.slice(start, end));
    start = end + 1;
  }
  return reader.finish();
}

/** A struct's field or end padding (an enum's variants make it no holder: its fields are dropped). */
function readHolderLine(holder: HolderLayout, body: string): LineKind {
  const pad = END_PADDING.exec(body);
  if (pad) {
    holder.endPaddingBytes = Number(pad[1]);
    return 'understood';
  }
  const m = FIELD.exec(body);
  if (m?.[1] !== 'field') return 'ignored';
  holder.fields.push({ name: m[2]!.replace(/^\./, ''), bytes: Number(m[3]) });
  return 'understood';
}

/** True when a size or offset on the line is past Number.MAX_SAFE_INTEGER (a corrupt or hostile input). */
function inexactNumber(body: string): boolean {
  for (const m of body.matchAll(/\d{16,}/g)) if (!Number.isSafeInteger(Number(m[0]))) return true;
  return false;
}

/** Applies one indented line to the open layout; `unparsed` when the line has no known shape. */
function readLayoutLine(open: Open, body: string, depth: number): LineKind {
  const { layout } = open;
  let m = DISCRIMINANT.exec(body);
  if (m && depth === 4) {
    layout.discriminantBytes = Number(m[1]);
    return 'understood';
  }
  m = VARIANT.exec(body);
  if (m && depth === 4) {
    open.state = { name: m[1]!, bytes: Number(m[2]), fields: [] };
    layout.states.push(open.state);
    open.cursor = layout.discriminantBytes;
    return 'understood';
  }
  if (END_PADDING.test(body) && depth === 4) return 'ignored';
  m = PADDING.exec(body);
  if (m) {
    const bytes = Number(m[1]);
    target(open).push({ name: 'padding', kind: 'padding', offset: open.cursor, bytes });
    open.cursor += bytes;
    return 'understood';
  }
  m = FIELD.exec(body);
  if (!m) return 'unparsed';
  const bytes = Number(m[3]);
  const offset = m[4] !== undefined ? Number(m[4]) : open.cursor;
  // rustc prints field names with a leading `.` (`.x`, `.__awaitee`, `..coroutine_field0`); drop that one.
  const name = m[2]!.startsWith('.') ? m[2]!.slice(1) : m[2]!;
  const field: LayoutField = {
    name,
    kind: name === '__awaitee' ? 'awaitee' : m[1] === 'upvar' ? 'upvar' : 'local',
    offset,
    bytes,
  };
  if (m[5] !== undefined) field.alignment = Number(m[5]);
  if (m[6] !== undefined) field.type = m[6];
  target(open).push(field);
  open.cursor = offset + bytes;
  return 'understood';
}

/**
 * Fields printed before any variant belong to a struct-like layout; a coroutine never prints them, so they
 * go to a synthetic state that keeps them visible instead of dropping them.
 */
function target(open: Open): LayoutField[] {
  if (!open.state) {
    open.state = { name: '(fields)', bytes: open.layout.bytes, fields: [] };
    open.layout.states.push(open.state);
  }
  return open.state.fields;
}
