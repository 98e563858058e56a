import type { SourceSpan } from './source.ts';

/** The three things rustc turns into a coroutine. */
export type AsyncKind = 'async-fn' | 'async-block' | 'async-closure';

/** Where an async fn lives; trait impls cannot change their signature, which limits rewrites. */
export type FnPlacement = 'free' | 'inherent-method' | 'trait-impl' | 'trait-default';

export interface AwaitSite {
  line: number;
  column: number;
  byteStart: number;
  /** True when the `.await` was found as tokens inside a macro invocation (e.g. `tokio::select!`). */
  inMacro: boolean;
}

/** One async body found in source: an `async fn`, an `async {}` block or an async closure. */
export interface AsyncItem extends SourceSpan {
  kind: AsyncKind;
  /**
   * Item path inside the crate, as rustc's MIR would name the enclosing item:
   * `radio::Radio::send`, `dispatch::run::{async block}`. Module path derived from the file's place in the crate.
   */
  name: string;
  /** For async fns: the fn's identifier. */
  fnName?: string;
  placement?: FnPlacement;
  /** Whether the fn is `pub` (any visibility modifier). Rewrites of private fns can update all callers. */
  isPublic?: boolean;
  /** `.await`s at this body's own level; awaits in nested async blocks/closures belong to those. */
  awaits: number;
  awaitSites: AwaitSite[];
  /**
   * Where rustc's span for this coroutine starts (MIR prints `{coroutine@src/x.rs:L:C: ..}`), used to join
   * source items with compiler output. 1-based line; 1-based column counted in chars (code points), as rustc does.
   * Measured on rustc 1.95: async fn -> the body's opening `{`; async block -> the `async` keyword;
   * async closure -> the start of the closure body (after `|args|`).
   */
  rustcStart: { line: number; column: number };
  /** Name of the async item this one is nested in, if any. */
  parent?: string;
  /**
   * Inside test-only code: a `#[cfg(test)]` module or a `#[test]`-like fn (`#[tokio::test]`, `#[rstest]`).
   * `scan` leaves its findings out unless asked for them, as `cargo clippy` lints tests only when asked.
   */
  testOnly?: boolean;
}
