// One file's work: parse, inventory, run every rule. Pure apart from the parser's memory, which it frees.
import type { AsyncItem } from '../model/async-item.ts';
import type { Finding } from '../model/finding.ts';
import { inventory } from '../readers/rust-source/inventory.ts';
import type { RustParser } from '../readers/rust-source/parser.ts';
import { LineIndex } from '../readers/rust-source/positions.ts';
import { RULES } from '../rules/index.ts';
import type { Rule, RuleContext } from '../rules/rule.ts';

export interface FileResult {
  items: AsyncItem[];
  /** Findings of every rule at its default level; the caller selects rules afterwards (results are cached). */
  findings: Finding[];
  /** True when tree-sitter had to recover from syntax errors; the results are then partial. */
  parseErrors: boolean;
}

export function analyzeFile(
  parser: RustParser,
  text: string,
  file: string,
  modulePath: string,
  rules: readonly Rule[] = RULES,
): FileResult {
  const lines = new LineIndex(text);
  const tree = parser.parse(text);
  const inv = inventory(parser, tree, lines, file, modulePath);
  try {
    const findings: Finding[] = [];
    for (const rule of rules) {
      const ctx: RuleContext = {
        file,
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
          findings.push(finding);
        },
      };
      rule.check(ctx);
    }
    findings.sort((a, b) => a.byteStart - b.byteStart || a.rule.localeCompare(b.rule));
    return { items: inv.items, findings, parseErrors: tree.rootNode.hasError };
  } finally {
    for (const t of inv.extraTrees) t.delete();
    tree.delete();
  }
}
