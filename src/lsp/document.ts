// One open document, scanned as `scan` scans a file: its async items (with their spans, for hovers and
// hints) and the rules' findings (diagnostics and code actions). Source only, in-process and fast.
import { relative, sep } from 'node:path';
import type { AsyncItem } from '../model/async-item.ts';
import type { Finding } from '../model/finding.ts';
import { dependencyNames, editionOf } from '../readers/cargo-edition.ts';
import { editTree, loadRustParser, type RustParser, type Tree } from '../readers/rust-source/parser.ts';
import { RULES } from '../rules/index.ts';
import { analyzeFile } from '../scan/analyze-file.ts';
import { type CrateSources, modulePathIn } from '../scan/crate-sources.ts';

export interface ScannedDocument {
  items: AsyncItem[];
  findings: Finding[];
  /** The path rule findings and edits use: relative to the crate dir. */
  file: string;
  crateDir: string;
  parseErrors: boolean;
}

/**
 * The last syntax tree of each open document, with the text it was parsed from: the next version is parsed
 * incrementally from it (a keystroke in a 5,000-fn file reparses in milliseconds instead of ~100).
 */
export class DocumentTrees {
  private readonly trees = new Map<string, { text: string; tree: Tree }>();

  /** The tree of `text`, reusing and replacing the document's previous tree. */
  parse(parser: RustParser, uri: string, text: string): Tree {
    const previous = this.trees.get(uri);
    if (previous?.text === text) return previous.tree;
    let tree: Tree;
    if (previous && editTree(previous.tree, previous.text, text)) {
      tree = parser.parse(text, undefined, previous.tree);
      previous.tree.delete();
      // tree-sitter recovers from a syntax error differently when it reuses an old tree (a `{` typed into a
      // fn: the reparse keeps later items whole, a fresh parse swallows them), and what is near an error
      // decides which findings are kept. A document with errors is parsed afresh, as `scan` parses it.
      if (tree.rootNode.hasError) {
        tree.delete();
        tree = parser.parse(text);
      }
    } else {
      previous?.tree.delete();
      tree = parser.parse(text);
    }
    this.trees.set(uri, { text, tree });
    return tree;
  }

  close(uri: string): void {
    this.trees.get(uri)?.tree.delete();
    this.trees.delete(uri);
  }
}

export async function scanDocument(
  path: string,
  text: string,
  crateDir: string,
  trees?: { cache: DocumentTrees; uri: string },
  /** The crate's awaiting `macro_rules!` and module tree, as `scan` reads them (scan/crate-sources.ts). */
  crate?: CrateSources,
): Promise<ScannedDocument> {
  const parser = await loadRustParser();
  const file = relative(crateDir, path).split(sep).join('/');
  const tree = trees?.cache.parse(parser, trees.uri, text);
  const r = analyzeFile(
    parser,
    text,
    file,
    modulePathIn(crate, path, file),
    RULES,
    editionOf(crateDir),
    dependencyNames(crateDir),
    tree,
    false,
    crate?.macros ?? [],
  );
  return { items: r.items, findings: r.findings, file, crateDir, parseErrors: r.parseErrors };
}

/** The innermost item whose first line holds the 0-based position, at or after the item's start. */
export function itemAt(items: AsyncItem[], line: number, character: number): AsyncItem | undefined {
  let best: AsyncItem | undefined;
  for (const i of items) {
    if (line !== i.line - 1 || character < i.column - 1) continue;
    if (i.endLine - 1 === line && character > i.endColumn - 1) continue;
    if (!best || i.byteEnd - i.byteStart < best.byteEnd - best.byteStart) best = i;
  }
  return best;
}
