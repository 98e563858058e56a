// Reader for rustc's MIR text after the coroutine transform: `--emit=mir`, or the per-body files of
// `-Zdump-mir=runtime-optimized` (what `analyze` reads: emitting MIR would change codegen, the dump does
// not). Finds every coroutine poll body and the constructor fns that build each coroutine, and measures
// each body: states, suspend points, blocks, statements, lines, panic paths and drops. Format notes: ../../../shared/reference/rustc-outputs.md §1.
//
// Await lines: plain `--emit=mir` carries no source positions at all, so `line` of a suspend point is only
// known when the MIR was emitted with `-Zmir-include-spans=on` (nightly, or stable with RUSTC_BOOTSTRAP=1).
// rustc then appends `// scope N at file:l:c: l:c` to every statement; the statement that stores the new
// state (`discriminant((*_17)) = 3;`) carries the span of the `.await` token itself, which is what we use.
// `lineInfo` says which of the two kinds of input was read.
import type { AsyncKind } from '../model/async-item.ts';
import { type LineAccountOptions, lineMarker, type MarkLines } from './line-account.ts';
import { balancedBraces, coroutineKind, parseRustcSpan, type RustcSpan, spanOfTypeName } from './mir-span.ts';

export interface MirSuspendPoint {
  /** `Suspend0`, `Suspend1`, ... (discriminant value minus 3, in source order). */
  state: string;
  discriminant: number;
  /** Basic block that stores this state and returns `Pending`, e.g. `bb8`. */
  block: string;
  /** Source position of the `.await` (only with `-Zmir-include-spans`). */
  line?: number;
  column?: number;
  /** Type of the future awaited here, from `debug __awaitee => ((..) as variant#K).i: TYPE)`. */
  awaiteeType?: string;
}

export interface MirCoroutine {
  /** MIR name path, e.g. `bar::{closure#0}`, `<impl at src/lib.rs:79:1: 79:21>::call::{closure#0}`. */
  name: string;
  kind: AsyncKind;
  /** The coroutine type as the poll signature prints it: `{async fn body of bar()}`, `{async block@…}`. */
  coroutineType: string;
  /** Source span of the coroutine; absent only when neither the type nor a constructor gives one. */
  span?: RustcSpan;
  /** 1-based line of the `fn` header in the MIR text. */
  mirLine: number;
  /**
   * State names in discriminant order, from the arms of the state switch (`switchInt` on the coroutine's
   * discriminant): `Unresumed`, `Returned`, `Panicked` (absent when the body cannot unwind), `Suspend0..N`.
   */
  states: string[];
  /** Blocks that store a state ≥ 3 before returning `Pending`: one per `.await` reached. */
  suspendPoints: MirSuspendPoint[];
  basicBlocks: number;
  /** Statements, not counting each block's terminator. */
  statements: number;
  /** Lines from the `fn` header to the closing `}` inclusive, blank lines included, span-comment lines not. */
  mirLines: number;
  panicPaths: { resumedAfterCompletion: boolean; resumedAfterPanic: boolean };
  /** `drop(..)` terminators (normal and cleanup paths). */
  dropTerminators: number;
}

/** A fn that builds a coroutine: `fn foo(_1: bool) -> {async fn body of foo()}` with `_0 = {coroutine@SPAN}`. */
export interface MirConstructor {
  name: string;
  coroutineType: string;
  span: RustcSpan;
}

export interface MirReadResult {
  coroutines: MirCoroutine[];
  constructors: MirConstructor[];
  /** Every `fn` body in the text (coroutine or not). */
  fnCount: number;
  /** `spans` when the MIR carries `// scope N at …` comments (`-Zmir-include-spans=on`), else `none`. */
  lineInfo: 'spans' | 'none';
  /**
   * Lines not understood: top-level lines that are none of comment, blank, fn, const, static, anonymous
   * const, alloc dump; fn headers that do not split; constructors without a coroutine span; lines of a poll
   * body outside its blocks that are no declaration. An item or block that never closes counts once.
   */
  unparsed: { count: number; example?: string };
}

const STATE_NAMES = ['Unresumed', 'Returned', 'Panicked'];

export function stateName(discriminant: number): string {
  return STATE_NAMES[discriminant] ?? `Suspend${discriminant - 3}`;
}

// `_1: Pin<&mut {async …}>` with or without the `std::pin::` / `core::pin::` path: rustc trims paths only
// where that is unambiguous in the crate being printed, so both spellings occur.
const POLL_SELF = /^_1: (?:(?:std|core)::pin::)?Pin<&mut \{/;
const ALLOC_DUMP = /^alloc\d+ \(/;
// Bodies of anonymous consts (array lengths in generic code) print without a keyword:
// `ReadU16::buf::{constant#0}: usize = {`.
const ANON_CONST = /\{constant#\d+\}: .* = \{$/;
const SELF_REF = /^(_\d+) = (?:[a-z_]+ )*\(_1\.0: &mut /;
const READ_STATE = /^(_\d+) = discriminant\(\(\*(_\d+)\)\);/;
const WRITE_STATE = /^discriminant\(\(\*(_\d+)\)\) = (\d+);/;
const SWITCH = /^switchInt\(move (_\d+)\) -> \[(.*)\];/;
const AWAITEE = /^debug __awaitee => .* as variant#(\d+)\)\.\d+: (.*)\);/;
const BLOCK = /^(bb\d+)(?: \(cleanup\))?: \{$/;
const SPAN_COMMENT = / \/\/ (?:[a-z ]*scope \d+) at (.*)$/;

export function readMir(text: string, options: LineAccountOptions = {}): MirReadResult {
  const reader = new MirReader(options);
  reader.add(text);
  return reader.finish();
}

type PendingPoll = { header: ParsedHeader; lineNo: number; body: string[]; mark: MarkLines };

/**
 * Reads MIR in pieces: one `--emit=mir` file, or the files of `-Zdump-mir=runtime-optimized` (one body
 * each, after a `// MIR for ...` line and, for coroutines, a `coroutine_layout` block comment). A
 * coroutine's poll body and the constructor that gives its span can be in different pieces, so they are
 * joined in `finish`. Reading file by file also keeps any one string small, whatever the crate's size.
 *
 * Line accounting (`onLine`, numbered per piece): ignored are blank lines, `//` comments, a dump's `/* … *\/`
 * layout comment, `const`/`static`/anonymous-const items and alloc dumps (header to `}`), the bodies of fns
 * that neither poll nor build a coroutine, and a poll body's declarations (`let`, `debug`, `scope N {`, `}`).
 * An item whose body never closes (the next unindented line is not `}`) is unparsed whole, counted once.
 */
export class MirReader {
  private readonly result: MirReadResult = {
    coroutines: [],
    constructors: [],
    fnCount: 0,
    lineInfo: 'none',
    unparsed: { count: 0 },
  };
  private readonly polls: PendingPoll[] = [];
  private readonly onLine: LineAccountOptions['onLine'];

  constructor(options: LineAccountOptions = {}) {
    this.onLine = options.onLine;
  }

  add(text: string): void {
    const result = this.result;
    // Per piece, as `mirLine` is.
    const mark = lineMarker(this.onLine);
    // Walks top-level lines only; bodies are skipped with indexOf and split into lines only for poll fns,
    // which keeps a whole dependency graph's MIR (tens of MB) from becoming millions of strings.
    let pos = 0;
    let lineNo = 1;
    while (pos < text.length) {
      let eol = text.indexOf('\n', pos);
      if (eol < 0) eol = text.length;
      const line = chomp(text.slice(pos, eol));
      let next = eol + 1;
      const isFn = line.startsWith('fn ');
      if (line === '' || line.startsWith('//')) {
        // blank, the `// WARNING` header of --emit=mir or the `// MIR for` line of a dump
        mark('ignored', lineNo);
      } else if (line.startsWith('/*')) {
        // A dump's layout comment: rustc's Debug formatting, whose shape changes between nightlies
        // (rust#156672). Nothing in it is read, so it is skipped whole, whatever it holds.
        const end = text.indexOf('*/', pos + 2);
        if (end < 0) {
          countUnparsed(result, line);
          mark('unparsed', lineNo, lineCount(text, pos, text.length));
          break;
        }
        const after = text.indexOf('\n', end);
        next = after < 0 ? text.length : after + 1;
        const lines = lineCount(text, pos, next);
        mark('ignored', lineNo, lines - 1);
        // Text after the `*/` on its line would otherwise be skipped with the comment.
        const tail = text.slice(end + 2, after < 0 ? text.length : after).trim();
        if (tail === '') mark('ignored', lineNo + lines - 1);
        else {
          countUnparsed(result, tail);
          mark('unparsed', lineNo + lines - 1);
        }
      } else if (
        isFn ||
        line.startsWith('const ') ||
        line.startsWith('static ') ||
        ALLOC_DUMP.test(line) ||
        ANON_CONST.test(line)
      ) {
        if (line.endsWith('{')) {
          const { close, end } = itemEnd(text, eol);
          if (close < 0) {
            // A body that never closes (the text was cut off, or its `}` lost): counted rather than guessed
            // at, and reading goes on at the next top-level line.
            countUnparsed(result, line);
            next = end;
            mark('unparsed', lineNo, lineCount(text, pos, next));
          } else {
            const bodyLines = countNewlines(text, eol + 1, close);
            if (isFn) readFnItem(result, this.polls, line, lineNo, text, eol + 1, close, bodyLines, mark);
            else mark('ignored', lineNo, bodyLines + 2);
            const after = text.indexOf('\n', close);
            next = after < 0 ? text.length : after + 1;
          }
        } else if (isFn) readFnItem(result, this.polls, line, lineNo, text, eol + 1, eol + 1, -1, mark);
        else mark('ignored', lineNo);
      } else {
        countUnparsed(result, line);
        mark('unparsed', lineNo);
      }
      lineNo += countNewlines(text, pos, next);
      pos = next;
    }
  }

  finish(): MirReadResult {
    const result = this.result;
    // Constructors may be printed after the poll bodies they build (async closures' by-move bodies are
    // printed last, and dumps come in any order), so spans are joined once everything has been read.
    const spanOf = new Map(result.constructors.map((c) => [c.coroutineType, c.span]));
    for (const p of this.polls) {
      const c = readPollBody(p.body, p.header, p.lineNo, result, p.mark);
      if (c.hasSpans) result.lineInfo = 'spans';
      // An async fn's span comes from its constructor, which a dump leaves out when the fn is never called
      // (rustc computes no MIR for dead code it does not codegen); then from the poll body's own spans.
      const span =
        c.kind === 'async-fn' ? (spanOf.get(c.coroutineType) ?? c.bodySpan) : spanOfTypeName(c.coroutineType);
      const { hasSpans: _, bodySpan: __, ...coroutine } = c;
      result.coroutines.push(span ? { ...coroutine, span } : coroutine);
    }
    this.polls.length = 0;
    return result;
  }
}

/**
 * A `fn` item whose body is text[bodyStart, close) (close = the index of its closing `}`) of `bodyLines`
 * lines; `bodyLines` is -1 for a header without a body.
 */
function readFnItem(
  result: MirReadResult,
  polls: PendingPoll[],
  line: string,
  lineNo: number,
  text: string,
  bodyStart: number,
  close: number,
  bodyLines: number,
  mark: MarkLines,
): void {
  result.fnCount++;
  const header = parseFnHeader(line);
  const closeLine = lineNo + bodyLines + 1;
  if (!header) {
    countUnparsed(result, line);
    mark('unparsed', lineNo, bodyLines + 2);
    return;
  }
  if (bodyLines < 0) {
    mark('understood', lineNo);
    return;
  }
  if (header.pollOf) {
    mark('understood', lineNo);
    mark('understood', closeLine);
    const body = close > bodyStart ? text.slice(bodyStart, close - 1).split('\n') : [];
    polls.push({ header, lineNo, body, mark });
    return;
  }
  const found = header.builds ? constructorSpan(text, bodyStart, close) : undefined;
  if (header.builds && !found) {
    // A constructor whose coroutine has no readable span would be dropped: counted instead, as one item.
    countUnparsed(result, line);
    mark('unparsed', lineNo, bodyLines + 2);
    return;
  }
  if (!found) {
    mark('understood', lineNo);
    mark('ignored', lineNo + 1, bodyLines);
    mark('understood', closeLine);
    return;
  }
  result.constructors.push({ name: header.name, coroutineType: header.builds!, span: found.span });
  const spanLine = lineNo + 1 + countNewlines(text, bodyStart, found.at);
  mark('understood', lineNo);
  mark('ignored', lineNo + 1, spanLine - lineNo - 1);
  mark('understood', spanLine);
  mark('ignored', spanLine + 1, closeLine - spanLine - 1);
  mark('understood', closeLine);
}

function chomp(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function countUnparsed(result: MirReadResult, line: string): void {
  result.unparsed.count++;
  result.unparsed.example ??= line;
}

// A line that starts a top-level item or ends one: MIR indents everything inside a body.
const UNINDENTED = /\n[^ \t\r\n]/g;

/**
 * Where the item whose header ends at `from` (its `\n`) ends: `close` is the index of its closing `}` (the
 * first unindented line, when that is exactly `}`), else -1; `end` is the start of that first unindented
 * line (text.length when there is none).
 */
function itemEnd(text: string, from: number): { close: number; end: number } {
  UNINDENTED.lastIndex = from;
  const m = UNINDENTED.exec(text);
  if (!m) return { close: -1, end: text.length };
  const at = m.index + 1;
  const after = text.charCodeAt(at + 1);
  const closed = text[at] === '}' && (Number.isNaN(after) || after === 10 || after === 13);
  return { close: closed ? at : -1, end: at };
}

/** Lines in text[from, to) where `to` is a line start or the end of the text. */
function lineCount(text: string, from: number, to: number): number {
  if (to <= from) return 0;
  return countNewlines(text, from, to) + (text.charCodeAt(to - 1) === 10 ? 0 : 1);
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

interface ParsedHeader {
  name: string;
  /** Set for poll fns: the coroutine type in `_1: Pin<&mut TYPE>`. */
  pollOf?: string;
  kind?: AsyncKind;
  /** Set for constructors: the coroutine type the fn returns. */
  builds?: string;
}

/** Splits `fn NAME(ARGS) -> RET {`; undefined when the parentheses do not balance. */
function parseFnHeader(line: string): ParsedHeader | undefined {
  // The name ends at the first `(` outside `<…>` (impl names: `<impl at src/lib.rs:79:1: 79:21>::call`).
  let angle = 0;
  let open = -1;
  for (let k = 3; k < line.length; k++) {
    const c = line[k];
    if (c === '<') angle++;
    else if (c === '>') angle--;
    else if (c === '(' && angle <= 0) {
      open = k;
      break;
    }
  }
  if (open < 0) return undefined;
  let depth = 0;
  let close = -1;
  for (let k = open; k < line.length; k++) {
    const c = line[k];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      close = k;
      break;
    }
  }
  if (close < 0) return undefined;
  const name = line.slice(3, open);
  const args = line.slice(open + 1, close);
  const m = POLL_SELF.exec(args);
  if (m) {
    const type = balancedBraces(args, m[0].length - 1);
    const kind = type && coroutineKind(type);
    if (type && kind) return { name, pollOf: type, kind };
  }
  const rest = line.slice(close + 1);
  if (rest.startsWith(' -> {') && rest.endsWith(' {')) {
    const ret = rest.slice(4, -2);
    if (coroutineKind(ret)) return { name, builds: ret };
  }
  return { name };
}

/** The span of `_0 = {coroutine@SPAN (#0)} …` in a constructor's body, text[from, to), and where it is. */
function constructorSpan(
  text: string,
  from: number,
  to: number,
): { span: RustcSpan; at: number } | undefined {
  // Searched within the body only: a search to the end of the text for each constructor is quadratic.
  const inBody = text.slice(from, to).indexOf('_0 = {coroutine@');
  if (inBody < 0) return undefined;
  const at = from + inBody;
  const eol = text.indexOf('\n', at);
  const group = balancedBraces(text.slice(at + 5, eol < 0 ? undefined : eol), 0);
  const span = group ? spanOfTypeName(group) : undefined;
  return span && { span, at };
}

// Declarations a poll body has outside its blocks, which only name places: `let`, `debug`, `scope N {`, `}`.
const DECLARATION = /^(?:let |debug |scope \d+ .*\{$|\}$)/;

/**
 * Measures a poll fn from its body lines (between the header and the closing `}`). Lines outside blocks
 * other than declarations, and blocks that never close, are counted in `result.unparsed`.
 */
function readPollBody(
  lines: string[],
  header: ParsedHeader,
  lineNo: number,
  result: MirReadResult,
  mark: MarkLines,
): Omit<MirCoroutine, 'span'> & { hasSpans: boolean; bodySpan?: RustcSpan } {
  let selfRef: string | undefined;
  let bodySpan: RustcSpan | undefined;
  let stateRead: string | undefined;
  let switchArms: number[] | undefined;
  const writes = new Map<number, { block: string; span?: RustcSpan }>();
  const awaitees = new Map<number, { type: string; span?: RustcSpan }>();
  let block = '';
  /** Lines of the open block: understood once it closes, unparsed if it never does. */
  let blockLineNos: number[] = [];
  let basicBlocks = 0;
  let statements = 0;
  let commentLines = 0;
  let drops = 0;
  let hasSpans = false;
  const panicPaths = { resumedAfterCompletion: false, resumedAfterPanic: false };
  let opener = '';
  const unclosedBlock = () => {
    countUnparsed(result, opener);
    for (const n of blockLineNos) mark('unparsed', n);
    basicBlocks--;
  };

  for (let i = 0; i < lines.length; i++) {
    const at = lineNo + 1 + i;
    const raw = chomp(lines[i]!);
    const t = raw.trimStart();
    if (t.startsWith('//')) {
      commentLines++;
      mark('ignored', at);
      continue;
    }
    // Split off a trailing span comment (`-Zmir-include-spans`) so the patterns below see only code.
    let code = t;
    let span: RustcSpan | undefined;
    const cm = t.includes(' // ') ? SPAN_COMMENT.exec(t) : null;
    if (cm) {
      hasSpans = true;
      code = t.slice(0, cm.index).trimEnd();
      span = parseRustcSpan(cm[1]!);
    }
    if (code === '') {
      mark('ignored', at);
      continue;
    }
    const b = BLOCK.exec(code);
    if (b) {
      // A block opening inside another: the first lost its `}`.
      if (block !== '') unclosedBlock();
      block = b[1]!;
      opener = raw;
      blockLineNos = [at];
      basicBlocks++;
      continue;
    }
    if (block === '') {
      if (code.startsWith('debug __awaitee')) {
        const a = AWAITEE.exec(code);
        if (a) awaitees.set(Number(a[1]), span ? { type: a[2]!, span } : { type: a[2]! });
        if (!a) countUnparsed(result, raw);
        mark(a ? 'understood' : 'unparsed', at);
      } else if (span && !bodySpan && code.startsWith('let mut _0:')) {
        // The return place's span is the coroutine's body: the span its constructor gives it.
        bodySpan = span;
        mark('understood', at);
      } else if (DECLARATION.test(code)) mark('ignored', at);
      else {
        countUnparsed(result, raw);
        mark('unparsed', at);
      }
      continue;
    }
    blockLineNos.push(at);
    if (code === '}') {
      // The last line of a block is its terminator.
      statements += Math.max(0, blockLineNos.length - 3);
      for (const n of blockLineNos) mark('understood', n);
      block = '';
      continue;
    }
    if (selfRef === undefined) {
      const s = SELF_REF.exec(code);
      if (s) selfRef = s[1];
    }
    if (code.startsWith('drop(')) drops++;
    else if (code.startsWith('discriminant(')) {
      const w = WRITE_STATE.exec(code);
      if (w && (selfRef === undefined || w[1] === selfRef)) {
        const k = Number(w[2]);
        if (!writes.has(k)) writes.set(k, span ? { block, span } : { block });
      }
    } else if (code.startsWith('switchInt(')) {
      const s = switchArms === undefined && stateRead !== undefined ? SWITCH.exec(code) : null;
      if (s && s[1] === stateRead) switchArms = parseArms(s[2]!);
    } else if (code.startsWith('assert(')) {
      if (code.includes('resumed after completion')) panicPaths.resumedAfterCompletion = true;
      else if (code.includes('resumed after panicking')) panicPaths.resumedAfterPanic = true;
    } else if (stateRead === undefined && code.includes('= discriminant((*')) {
      const r = READ_STATE.exec(code);
      if (r && (selfRef === undefined || r[2] === selfRef)) stateRead = r[1];
    }
  }
  if (block !== '') unclosedBlock();

  // Unresumed and Returned are layout variants of every coroutine; a body that never returns has no
  // "resumed after completion" arm for Returned in its switch, yet the state exists.
  const discriminants = new Set<number>([0, 1, ...(switchArms ?? writes.keys())]);
  const states = [...discriminants].sort((a, b) => a - b).map(stateName);
  const suspendPoints: MirSuspendPoint[] = [...writes.entries()]
    .filter(([k]) => k >= 3)
    .sort((a, b) => a[0] - b[0])
    .map(([k, w]) => {
      const aw = awaitees.get(k);
      const at = w.span ?? aw?.span;
      return {
        state: stateName(k),
        discriminant: k,
        block: w.block,
        ...(at ? { line: at.line, column: at.column } : {}),
        ...(aw ? { awaiteeType: aw.type } : {}),
      };
    });
  return {
    name: header.name,
    kind: header.kind!,
    coroutineType: header.pollOf!,
    mirLine: lineNo,
    states,
    suspendPoints,
    basicBlocks,
    statements,
    mirLines: lines.length + 2 - commentLines,
    panicPaths,
    dropTerminators: drops,
    hasSpans,
    ...(bodySpan ? { bodySpan } : {}),
  };
}

/** `0: bb1, 1: bb16, 3: bb14, otherwise: bb7` → [0, 1, 3]. */
function parseArms(arms: string): number[] {
  const out: number[] = [];
  for (const arm of arms.split(', ')) {
    const colon = arm.indexOf(':');
    const v = Number(arm.slice(0, colon));
    if (colon > 0 && Number.isInteger(v)) out.push(v);
  }
  return out;
}
