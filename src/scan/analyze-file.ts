// One file's work: parse, inventory, run every rule. Pure apart from the parser's memory, which it frees.
import type { AsyncItem } from '../model/async-item.ts';
import type { Finding } from '../model/finding.ts';
import type { Edition } from '../readers/cargo-edition.ts';
import { inventory } from '../readers/rust-source/inventory.ts';
import type { Node, RustParser, Tree } from '../readers/rust-source/parser.ts';
import { LineIndex } from '../readers/rust-source/positions.ts';
import { RULES } from '../rules/index.ts';
import type { Rule, RuleContext } from '../rules/rule.ts';
import { compareText } from '../text-order.ts';

export interface FileResult {
  items: AsyncItem[];
  /** Findings of every rule at its default level; the caller selects rules afterwards (results are cached). */
  findings: Finding[];
  /** True when tree-sitter had to recover from syntax errors; the results are then partial. */
  parseErrors: boolean;
  /** Milliseconds per phase (`parse`, `inventory`, `rule:<id>`), when the caller asked for them. */
  timings?: Record<string, number>;
}

/**
 * Where tree-sitter recovered from a syntax error (an `ERROR` node, a token it had to assume): the code
 * there is not what rustc sees (tree-sitter-rust 0.24 does not parse `unsafe extern "C" {}`, for one).
 * Only subtrees that hold an error are walked.
 */
function errorRanges(root: Node): [number, number][] {
  const out: [number, number][] = [];
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'ERROR' || n.isMissing) {
      out.push([n.startIndex, Math.max(n.endIndex, n.startIndex + 1)]);
      continue;
    }
    for (const c of n.children) if (c.hasError || c.isMissing) stack.push(c);
  }
  return out;
}

/**
 * In a file with syntax errors: no finding whose item overlaps an error (its span may not be the code
 * rustc compiles), and no rewrite anywhere (an edit computed on a recovered tree can land mid-body).
 */
function clearOfErrors(
  findings: Finding[],
  ranges: Map<Finding, [number, number]>,
  errors: [number, number][],
): Finding[] {
  const overlaps = (f: Finding) => {
    const [start, end] = ranges.get(f)!;
    return errors.some(([s, e]) => s < end && e > start);
  };
  return findings
    .filter((f) => !overlaps(f))
    .map((f) => {
      if (!f.fix) return f;
      const { fix: _, ...rest } = f;
      const noFix =
        "the file has syntax asyncbloat's parser could not read, so a rewrite could land in the wrong place";
      return { ...rest, help: `${f.help}; no fix is offered: ${noFix}`, noFix };
    });
}

export function analyzeFile(
  parser: RustParser,
  text: string,
  file: string,
  modulePath: string,
  rules: readonly Rule[] = RULES,
  edition: Edition = '2021',
  dependencies: readonly string[] = [],
  parsed?: Tree,
  profile?: boolean,
  /** Awaiting `macro_rules!` defined in the crate's other files (readers/rust-source/macro-rules.ts). */
  crateMacros: readonly string[] = [],
): FileResult {
  const timings: Record<string, number> | undefined = profile ? {} : undefined;
  let mark = profile ? performance.now() : 0;
  const lap = (phase: string) => {
    if (!timings) return;
    const now = performance.now();
    timings[phase] = (timings[phase] ?? 0) + now - mark;
    mark = now;
  };
  const lines = new LineIndex(text);
  // A tree the caller parsed (the language server's, reparsed incrementally) stays the caller's to delete.
  const tree = parsed ?? parser.parse(text);
  lap('parse');
  const inv = inventory(parser, tree, lines, file, modulePath, crateMacros);
  lap('inventory');
  try {
    const findings: Finding[] = [];
    const ranges = new Map<Finding, [number, number]>();
    for (const rule of rules) {
      const ctx: RuleContext = {
        file,
        edition,
        dependencies,
        text,
        lines,
        tree,
        items: inv.items,
        nodeOf: (item) => {
          const node = inv.nodes.get(item);
          if (!node) throw new Error(`no syntax node for ${item.name}`);
          return node;
        },
        report: (r) => {
          const finding: Finding = {
            ...lines.span(file, r.start ?? r.node.startIndex, r.end ?? r.node.endIndex),
            rule: rule.meta.id,
            severity: rule.meta.defaultLevel,
            message: r.message,
            help: r.help,
          };
          if (r.item) finding.item = r.item.name;
          if (r.fix) finding.fix = r.fix;
          if (r.noFix) finding.noFix = r.noFix;
          findings.push(finding);
          // The whole item the finding is about: its body may hold the syntax error, not its header.
          const about = r.item ? inv.nodes.get(r.item) : undefined;
          ranges.set(finding, [
            Math.min(about?.startIndex ?? r.node.startIndex, r.node.startIndex),
            Math.max(about?.endIndex ?? r.node.endIndex, r.node.endIndex),
          ]);
        },
      };
      rule.check(ctx);
      lap(`rule:${rule.meta.id}`);
    }
    findings.sort((a, b) => a.byteStart - b.byteStart || compareText(a.rule, b.rule));
    const parseErrors = tree.rootNode.hasError;
    const result: FileResult = {
      items: inv.items,
      findings: parseErrors ? clearOfErrors(findings, ranges, errorRanges(tree.rootNode)) : findings,
      parseErrors,
    };
    lap('syntax errors');
    if (timings) result.timings = timings;
    return result;
  } finally {
    for (const t of inv.extraTrees) t.delete();
    if (!parsed) tree.delete();
  }
}
