// The one place that loads tree-sitter. web-tree-sitter needs two wasm files at run time: next to the
// bundle in dist/ (scripts/build.mjs copies them there), or in node_modules when running from src via tsx.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';

export type { Node, Tree } from 'web-tree-sitter';

export interface RustParser {
  /** Parses Rust source. The caller owns the tree and must call `tree.delete()`. */
  parse(text: string, ranges?: { startIndex: number; endIndex: number }[]): Tree;
  /** Compiles a query once and keeps it for the life of the process (each compile costs 14–24 ms in wasm). */
  query(source: string): Query;
}

function wasmPath(bundled: string, packaged: string): string {
  const nextToBundle = fileURLToPath(new URL(`./${bundled}`, import.meta.url));
  if (existsSync(nextToBundle)) return nextToBundle;
  return createRequire(import.meta.url).resolve(packaged);
}

let loading: Promise<RustParser> | undefined;

/** Loads the Rust grammar once per thread; later calls share the same parser. */
export function loadRustParser(): Promise<RustParser> {
  loading ??= load();
  return loading;
}

async function load(): Promise<RustParser> {
  const runtime = wasmPath('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm');
  await Parser.init({ locateFile: () => runtime });
  const language = await Language.load(
    wasmPath('tree-sitter-rust.wasm', 'tree-sitter-rust/tree-sitter-rust.wasm'),
  );
  const parser = new Parser();
  parser.setLanguage(language);
  const queries = new Map<string, Query>();
  return {
    parse(text, ranges) {
      const options = ranges ? { includedRanges: ranges.map((r) => toRange(text, r)) } : undefined;
      const tree = parser.parse(text, null, options);
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
