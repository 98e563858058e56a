// Property over real code: for every finding with a fix in the Debian crate corpus, applying the fix to
// the file's text yields source that tree-sitter parses with no new ERROR or MISSING nodes, and the edits
// of each fix never overlap. (Compilation is checked on the fixture crates; the corpus cannot be built.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyEdits, editsByFile } from '../../src/fix/apply-edits.ts';
import { decodeSource } from '../../src/fix/source-text.ts';
import { loadRustParser, type Node } from '../../src/readers/rust-source/parser.ts';
import { scan } from '../../src/scan/index.ts';
import { has, need } from '../support/require.ts';

const REGISTRY = '/usr/share/cargo/registry';

function errorNodes(root: Node): number {
  let n = 0;
  const cursor = root.walk();
  // Depth-first walk without materialising every node's children array.
  for (;;) {
    const node = cursor.currentNode;
    if (node.isError || node.isMissing) n++;
    if (node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return n;
      }
    }
  }
}

test('every fix in the Debian corpus parses with no new syntax errors', async (t) => {
  if (!need(t, 'the Debian crate registry', has.debianRegistry())) return;
  const parser = await loadRustParser();
  // Test code too: most of the corpus's ready(..) rewrites are in tokio's tests.
  const report = await scan(REGISTRY, { cache: false, tests: true });
  const fixed = report.findings.filter((f) => f.fix);
  const rules = new Set(fixed.map((f) => f.rule));
  // The corpus has both kinds of fixable pattern; a run that finds none has stopped testing anything.
  assert.ok(rules.has('no-await') && rules.has('single-await-wrapper'), `fixable rules found: ${[...rules]}`);
  const failures: string[] = [];
  for (const f of fixed) {
    for (const [file, edits] of editsByFile(f.fix!.edits)) {
      const text = decodeSource(file, readFileSync(join(report.root, file))).text;
      const before = parser.parse(text);
      const after = parser.parse(applyEdits(text, edits));
      const [b, a] = [errorNodes(before.rootNode), errorNodes(after.rootNode)];
      before.delete();
      after.delete();
      if (a > b) failures.push(`${f.rule} at ${file}:${f.line}: ${b} -> ${a} error nodes`);
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${fixed.length} fixes break the syntax`);
});
