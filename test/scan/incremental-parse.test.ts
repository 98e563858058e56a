// The language server reparses a document from its previous tree (DocumentTrees: editTree, then a parse
// that reuses the old tree; afresh when the text has syntax errors, where tree-sitter's recovery depends on
// the old tree). The tree and everything analyzeFile reports from it must equal a fresh parse of the new
// text, as `scan` does it, for any edit: across lines, with non-ASCII text, with unbalanced braces. Random
// edits of a real fixture file, by fast-check, plus the counterexample it once found.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { DocumentTrees } from '../../src/lsp/document.ts';
import { loadRustParser, type RustParser } from '../../src/readers/rust-source/parser.ts';
import { analyzeFile } from '../../src/scan/analyze-file.ts';

const FILE = 'test/fixtures/scan/constructs/src/lib.rs';
const SNIPPETS = ['async ', '.await', '}', '{', '\n', 'é😀', 'match x { _ => f().await }', '// ', ';', ''];

interface Edit {
  at: number;
  cut: number;
  insert: string;
}

/** Applies the edits one by one through DocumentTrees, checking each version against a fresh parse. */
function checkEdits(parser: RustParser, base: string, edits: Edit[]): void {
  const trees = new DocumentTrees();
  const uri = 'file:///lib.rs';
  let text = base;
  trees.parse(parser, uri, text);
  try {
    for (const e of edits) {
      const at = Math.min(e.at, text.length);
      text = text.slice(0, at) + e.insert + text.slice(Math.min(text.length, at + e.cut));
      const tree = trees.parse(parser, uri, text);
      const fresh = parser.parse(text);
      try {
        assert.equal(tree.rootNode.toString(), fresh.rootNode.toString());
        const viaTree = analyzeFile(parser, text, 'src/lib.rs', '', undefined, '2021', [], tree);
        const viaFresh = analyzeFile(parser, text, 'src/lib.rs', '');
        assert.deepEqual(viaTree, viaFresh);
      } finally {
        fresh.delete();
      }
    }
  } finally {
    trees.close(uri);
  }
}

test('a `{` typed into a fn: the reparse is the fresh parse, findings included', async () => {
  checkEdits(await loadRustParser(), readFileSync(FILE, 'utf8'), [{ at: 1488, cut: 0, insert: '{' }]);
});

test('random edits: every version equals a fresh parse, and so do the findings', async () => {
  const parser = await loadRustParser();
  const base = readFileSync(FILE, 'utf8');
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          at: fc.nat({ max: base.length }),
          cut: fc.nat({ max: 40 }),
          insert: fc.constantFrom(...SNIPPETS),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      (edits) => checkEdits(parser, base, edits),
    ),
    { numRuns: 100 },
  );
});
