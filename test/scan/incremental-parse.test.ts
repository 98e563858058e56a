// The language server reparses a document from its previous tree (editTree, then parse with it): the tree
// and everything analyzeFile reports from it must equal a fresh parse of the new text, for any edit,
// including edits across lines and non-ASCII text. Random edits of a real fixture file, by fast-check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { editTree, loadRustParser } from '../../src/readers/rust-source/parser.ts';
import { analyzeFile } from '../../src/scan/analyze-file.ts';

const FILE = 'test/fixtures/scan/constructs/src/lib.rs';
const SNIPPETS = ['async ', '.await', '}', '{', '\n', 'é😀', 'match x { _ => f().await }', '// ', ';', ''];

test('a tree reparsed from the previous one equals a fresh parse, and so do the findings', async () => {
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
      (edits) => {
        let text = base;
        let tree = parser.parse(text);
        try {
          for (const e of edits) {
            const at = Math.min(e.at, text.length);
            const next = text.slice(0, at) + e.insert + text.slice(Math.min(text.length, at + e.cut));
            const changed = editTree(tree, text, next);
            assert.equal(changed, next !== text);
            const reparsed = parser.parse(next, undefined, tree);
            tree.delete();
            tree = reparsed;
            text = next;
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
          tree.delete();
        }
      },
    ),
    { numRuns: 60 },
  );
});
