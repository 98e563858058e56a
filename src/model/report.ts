// The two documents asyncbloat produces. Every reporter (terminal, JSON, SARIF, Markdown, HTML) and
// every consumer (diff, check, fix) reads these; readers and measurements only ever write them.
import type { AsyncItem, AsyncKind } from './async-item.ts';
import type { Finding } from './finding.ts';

/** Bumped on any incompatible change to the JSON documents; documented in docs/json-schema.md. */
export const SCHEMA_VERSION = 1;

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface ScanReport {
  schemaVersion: number;
  tool: { name: 'asyncbloat'; version: string };
  /** Absolute path of the scanned root; every `file` below is relative to it. */
  root: string;
  items: AsyncItem[];
  findings: Finding[];
  stats: {
    filesScanned: number;
    /** Files read but not parsed because they cannot contain async code (no `async` token). */
    filesWithoutAsync: number;
    /** Files that parsed with tree-sitter error nodes; their results are partial. */
    filesWithParseErrors: string[];
    skipped: SkippedFile[];
    /** Findings in test code left out (ScanOptions.tests); 0 when test code is reported. */
    findingsInTests?: number;
  };
}

/** One state of a coroutine as rustc laid it out (a variant in -Zprint-type-sizes). */
export interface StateLayout {
  /** `Unresumed`, `Returned`, `Panicked`, `Suspend0`, ... */
  name: string;
  /** Bytes of the variant including its own fields (not the shared prefix). */
  bytes: number;
  fields: LayoutField[];
  /** For SuspendN: the source line of the await this state waits at, when MIR tells it. */
  awaitLine?: number;
}

export interface LayoutField {
  name: string;
  kind: 'upvar' | 'local' | 'awaitee' | 'padding';
  offset: number;
  bytes: number;
  alignment?: number;
  /** The field's type when rustc prints it (awaitees and unnamed locals). */
  type?: string;
}

/** One monomorphic instance of a future's layout. */
export interface FutureLayout {
  /** The type as rustc printed it, e.g. `{async fn body of radio::send<u8>()}`. */
  typeName: string;
  bytes: number;
  alignment: number;
  discriminantBytes: number;
  states: StateLayout[];
}

export interface HeldAcrossAwait {
  state: string;
  /** Source line of the await, when known. */
  line?: number;
  bytes: number;
  /** Fields live in this state, largest first. */
  fields: LayoutField[];
}

export interface AwaiteeChild {
  /** Type of the awaited future as rustc printed it. */
  typeName: string;
  bytes: number;
  /** The analysed item it resolves to, when it is one of ours. */
  item?: string;
  state: string;
}

export interface CodePart {
  symbol: string;
  kind: 'poll' | 'drop' | 'runtime';
  bytes: number;
  /** Number of local copies with this name (codegen units can emit duplicates); bytes is their sum. */
  copies: number;
  /**
   * The function's stack frame in bytes, LLVM's own figure from `.stack_sizes` (largest over the copies).
   * Absent when the artifact has no such section or no entry for this function.
   */
  frameBytes?: number;
}

export interface CodeSize {
  /** Poll fns + drop glue + runtime instantiations. */
  codeBytes: number;
  parts: CodePart[];
  /**
   * True when the poll fn has no symbol of its own: inlined into its caller, or not linked at all (unused);
   * codeBytes then excludes it. Reporters say "inlined" when other parts exist, "no symbol" when none do.
   */
  inlined: boolean;
}

/** Stack bytes per poll, LLVM's frame sizes from the artifact's `.stack_sizes` (`-Zemit-stack-sizes`). */
export interface StackUse {
  /** Largest poll fn frame over its instantiations; null when the poll fn has no symbol (inlined). */
  pollFrameBytes: number | null;
  /** Largest drop glue frame; null when the drop glue has no symbol. */
  dropFrameBytes: number | null;
  /** pollFrameBytes ÷ futureBytes, two decimals; null when either is unknown. */
  frameToFuture: number | null;
  /**
   * Frames of the functions instantiated for this future (`block_on::<F>`, `spawn::<F>`, a task harness):
   * the stack a thread needs to create and poll it, largest first.
   */
  entryFrames: { symbol: string; frameBytes: number }[];
}

/** One await to box: `Box::pin(<awaited future>).await`. */
export interface BoxSite {
  /** The suspend state of that await (`Suspend0`). */
  state: string;
  file?: string;
  /** The await's line (from MIR spans) and column (from the source scan), when known. */
  line?: number;
  column?: number;
  /** The awaited future: the analysed item it resolves to, else its type. */
  callee: string;
  awaiteeBytes: number;
  /** The item's size before and after this box (after the boxes before it in the list). */
  beforeBytes: number;
  afterBytes: number;
}

/** Where to `Box::pin` and what it saves: an estimate from the layout (measure/box-advice.ts). */
export interface BoxAdvice {
  thresholdBytes: number;
  beforeBytes: number;
  /** Estimated size with every box of `boxes` in. */
  afterBytes: number;
  /** False: boxing cannot bring the future under the threshold (see `floor`). */
  reachesThreshold: boolean;
  /** The awaits to box, in the order that shrinks the future most first; empty when none helps. */
  boxes: BoxSite[];
  /** What keeps the future over the threshold: the largest field of its largest state, not an awaitee. */
  floor?: { state: string; field: string; kind: 'local' | 'upvar'; bytes: number; line?: number };
  /** Root futures (what executors hold) that shrink with these boxes, before → after. */
  roots: { item: string; beforeBytes: number; afterBytes: number }[];
}

export interface PanicSites {
  /** Call sites of panic_const_async_fn_resumed. */
  resumed: number;
  /** Call sites of panic_const_async_fn_resumed_panic. */
  resumedPanic: number;
  /** Estimated bytes of those call sites. */
  bytes: number;
}

export interface AnalyzedItem {
  name: string;
  kind: AsyncKind;
  crate: string;
  /** Absent for coroutines the source scan did not see (macro-generated). */
  file?: string;
  line?: number;
  column?: number;
  /** `scan` when the source scan found it, `compiler` when only rustc's output shows it. */
  origin: 'scan' | 'compiler';
  awaits?: number;
  /** Largest future size over all instantiations; null when rustc printed no layout. */
  futureBytes: number | null;
  /** Unresumed + Returned + Panicked (when present) + one per suspend point, from MIR. */
  states: number | null;
  suspendPoints: number | null;
  mirLines: number | null;
  basicBlocks: number | null;
  panicPaths: { resumedAfterCompletion: boolean; resumedAfterPanic: boolean } | null;
  layouts: FutureLayout[];
  heldAcrossAwait: HeldAcrossAwait[];
  duplicatedArgs: { name: string; bytes: number }[];
  children: AwaiteeChild[];
  code?: CodeSize;
  /** Present when the artifact has `.stack_sizes` and the item has code with an entry in it. */
  stack?: StackUse;
  /** Present for futures over the box threshold. */
  boxAdvice?: BoxAdvice;
  panicSites?: PanicSites;
  findings: Finding[];
}

/**
 * The RAM of one statically allocated task: an embassy `#[task]`'s `static POOL` (one slot per `pool_size`,
 * each a task header and the future), measured from the symbol table, split with -Zprint-type-sizes.
 */
/** A static that is not a task pool but holds a future: its RAM, the type rustc printed, and the future. */
export interface StaticFuture {
  /** The static's path in its crate (`BLINK`, `net::RADIO`). */
  name: string;
  crate: string;
  /** Demangled symbol. */
  symbol: string;
  /** The static's size in the symbol table. */
  bytes: number;
  section: string;
  /** Its type as -Zprint-type-sizes printed it (`StaticCell<{async fn body of blink()}>`). */
  type: string;
  /** The coroutine type it holds, and its size. */
  future: string;
  futureBytes: number | null;
  /** The async item whose future that is, when it is one of the report's. */
  item?: string;
  /** Where the static is declared, relative to the report's root. */
  file: string;
  line: number;
}

export interface TaskRam {
  /** The task fn's path in its crate (`net::sampler`). */
  name: string;
  crate: string;
  /** The static's symbol, demangled (`app::net::sampler::POOL`). */
  symbol: string;
  /** The static's size in the symbol table. */
  bytes: number;
  /** `.bss` or `.data`. */
  section: string;
  poolSize: number | null;
  /** `source`: `pool_size = N` where the task is written; `derived`: bytes ÷ slot bytes. */
  poolSizeSource: 'source' | 'derived' | null;
  /** The async item the task runs, and its future's size (rustc's layout). */
  future: string | null;
  futureBytes: number | null;
  /** One slot (`TaskStorage<F>`): header + future + padding. */
  slotBytes: number | null;
  headerBytes: number | null;
  paddingBytes: number | null;
  file?: string;
  line?: number;
}

export interface CrateSummary {
  name: string;
  asyncItems: number;
  futureBytes: number;
  asyncCodeBytes?: number;
  textBytes?: number;
}

export interface AnalysisReport {
  schemaVersion: number;
  tool: { name: 'asyncbloat'; version: string };
  root: string;
  build: {
    profile: string;
    toolchain: string;
    /** True when -Z flags were used on stable through RUSTC_BOOTSTRAP=1. */
    bootstrap: boolean;
    /** Why this toolchain: "the installed nightly", "selected by rust-toolchain.toml ...", "--no-nightly". */
    toolchainReason?: string;
    /** Set when the preferred toolchain (the installed nightly) could not build the crate and this one did. */
    fallback?: { toolchain: string; reason: string; rememberedIn?: string };
    target?: string;
    artifact?: string;
    /** True when `--deps` asked for dependency crates' items too. */
    deps?: boolean;
    /**
     * The codegen settings in force, as cargo compiled the members. The analysis build makes the same
     * machine code as `cargo build` with this profile and these flags (only symbol mangling differs: v0),
     * so code sizes are those of the binary the user ships.
     */
    codegen?: { optLevel: string; debugAssertions: boolean; overflowChecks: boolean; rustflags: string[] };
    /**
     * Whether the artifact carries LLVM's `.stack_sizes` (frame bytes per function, `-Zemit-stack-sizes`);
     * false on targets that do not write it (non-ELF). Absent without an artifact.
     */
    stackFrames?: boolean;
  };
  items: AnalyzedItem[];
  crates: CrateSummary[];
  /** Statically allocated tasks (embassy task pools), largest first; absent without a linked artifact. */
  tasks?: TaskRam[];
  /** Other statics holding a future (`StaticCell<F>` of an `impl Future` alias, nightly only), largest first. */
  staticFutures?: StaticFuture[];
  /** `.bss` + `.data` of the artifact, for the tasks' share; absent without one. */
  staticRamBytes?: number;
  /** What did not go as expected but did not stop the analysis (no symbols, reused outputs, ...). */
  warnings: string[];
  /** Lines of compiler output the readers could not parse: counted, with the first example. */
  unparsed: { source: string; count: number; example: string }[];
  scan: ScanReport['stats'];
}
