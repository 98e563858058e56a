// The one place that loads tree-sitter. web-tree-sitter needs two wasm files at run time: next to the
// bundle in dist/ (scripts/build.mjs copies them there), or in node_modules when running from src via tsx.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Query, Tree } from 'web-tree-sitter';

export type { Node, Tree } from 'web-tree-sitter';

export interface RustParser {
  /**
   * Parses Rust source. The caller owns the tree and must call `tree.delete()`. With `previous` (an older
   * tree of the same document, already told of the change by `editTree`) tree-sitter reuses what did not
   * change, so an edit of a large file reparses in milliseconds.
   */
  parse(text: string, ranges?: { startIndex: number; endIndex: number }[], previous?: Tree): Tree;
  /** Compiles a query once and keeps it for the life of the process (each compile costs 14–24 ms in wasm). */
  query(source: string): Query;
}

function wasmPath(bundled: string, packaged: string): string {
  const nextToBundle = fileURLToPath(new URL(`./${bundled}`, import.meta.url));
  if (existsSync(nextToBundle)) return nextToBundle;
  return createRequire(import.meta.url).resolve(packaged);
}

let loading: Promise<RustParser> | undefined;
/**
 * web-tree-sitter's JavaScript, imported with the grammar: 156 KB that a scan answered from its cache
 * never needs (compiling it was a twentieth of a warm scan of the Debian registry).
 */
let treeSitter: typeof import('web-tree-sitter') | undefined;

/** Loads the Rust grammar once per thread; later calls share the same parser. */
export function loadRustParser(): Promise<RustParser> {
  loading ??= load();
  return loading;
}

async function load(): Promise<RustParser> {
  treeSitter = await import('web-tree-sitter');
  const { Language, Parser, Query } = treeSitter;
  const runtime = wasmPath('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm');
  await Parser.init({ locateFile: () => runtime });
  const language = await Language.load(
    wasmPath('tree-sitter-rust.wasm', 'tree-sitter-rust/tree-sitter-rust.wasm'),
  );
  const parser = new Parser();
  parser.setLanguage(language);
  const queries = new Map<string, Query>();
  return {
    parse(text, ranges, previous) {
      const options = ranges ? { includedRanges: ranges.map((r) => toRange(text, r)) } : undefined;
      const tree = parser.parse(text, previous ?? null, options);
      if (!tree) throw new Error('tree-sitter returned no tree');
      return tree;
    },
    query(source) {
      let q = queries.get(source);
      if (!q) {
        q = new Query(language, source);
        queries.set(source, q);
      }
      return q;
    },
  };
}

// tree-sitter's ranges need row/column points as well as indices. web-tree-sitter 0.27 counts both in UTF-16
// units (it converts to bytes itself), so a subtree's nodes report the same points as the whole tree's.
function toRange(text: string, r: { startIndex: number; endIndex: number }) {
  return {
    startIndex: r.startIndex,
    endIndex: r.endIndex,
    startPosition: point(text, r.startIndex),
    endPosition: point(text, r.endIndex),
  };
}

function point(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/**
 * Tells `tree` (parsed from `before`) how its text became `after`: the one span between their common prefix
 * and common suffix, which covers any edit or batch of edits. Then `parse(after, undefined, tree)` reparses
 * only around it. Returns false (tree untouched) when the texts are equal.
 */
export function editTree(tree: Tree, before: string, after: string): boolean {
  if (before === after) return false;
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (
    tail < max - start &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  )
    tail++;
  // A tree exists only once the parser has loaded web-tree-sitter.
  tree.edit(
    new treeSitter!.Edit({
      startIndex: start,
      oldEndIndex: before.length - tail,
      newEndIndex: after.length - tail,
      startPosition: point(before, start),
      oldEndPosition: point(before, before.length - tail),
      newEndPosition: point(after, after.length - tail),
    }),
  );
  return true;
}
