// The rule interface, ESLint-style: each rule is a module with metadata and a `check` that reports findings.
// A rule sees one file at a time, already parsed and inventoried. Rules that can rewrite code attach a `fix`
// to the finding they report (the fix is built beside the check, in the same module).
import type { AsyncItem } from '../model/async-item.ts';
import type { Finding, Severity } from '../model/finding.ts';
import type { Edition } from '../readers/cargo-edition.ts';
import type { Node, Tree } from '../readers/rust-source/parser.ts';
import type { LineIndex } from '../readers/rust-source/positions.ts';

export interface RuleMeta {
  /** Stable id, used in `--rule`, in output and in JSON. */
  id: string;
  /** One line, for `--help`-style listings. */
  description: string;
  /** Long help: why the pattern costs and what to write instead. */
  docs: string;
  defaultLevel: Severity;
  /** True when the rule module can attach an automatic `fix` to its findings. */
  fixable: boolean;
}

/** What a rule reports; the context fills in rule id, severity and the file's positions. */
export interface Report {
  /** The node the finding points at (its span is used unless `start`/`end` are given). */
  node: Node;
  /** Optional UTF-16 range narrower than the node, e.g. just the `async fn name(..)` header. */
  start?: number;
  end?: number;
  message: string;
  help: string;
  item?: AsyncItem;
  fix?: Finding['fix'];
  /** Why a rule that rewrites offers none here (`fix` lists these, as cargo fix names what it leaves). */
  noFix?: string;
}

export interface RuleContext {
  /** Path relative to the scanned root. */
  file: string;
  /** The edition of the file's crate (it decides what an `impl Future` return type captures). */
  edition: Edition;
  /**
   * The crate's dependencies as its code names them (`futures`, `futures_util`: a renamed dependency by
   * its new name): a rewrite may use a crate only when it is one.
   */
  dependencies: readonly string[];
  text: string;
  lines: LineIndex;
  tree: Tree;
  /** The file's async items, in source order. */
  items: readonly AsyncItem[];
  /** The syntax node of one of `items`. */
  nodeOf(item: AsyncItem): Node;
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}
