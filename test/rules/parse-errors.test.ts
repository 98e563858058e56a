// A file tree-sitter cannot fully parse: no finding on an item that overlaps the error, and no rewrite in
// the file at all (one was once inserted mid-body there). tree-sitter-rust 0.24 does not parse
// `unsafe extern "C" { .. }` (edition 2024), which is real code in embedded crates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noAwait } from '../../src/rules/no-await/rule.ts';
import { singleAwaitWrapper } from '../../src/rules/single-await-wrapper/rule.ts';
import { findingsOf } from '../support/rule-tester.ts';

const CLEAN = 'async fn ready_value() -> u8 {\n    1\n}\n';
const BROKEN_ITEM = 'async fn broken() -> u8 {\n    let x = ;\n    x\n}\n';
const FFI = 'unsafe extern "C" {\n    pub safe fn abs(x: i32) -> i32;\n}\n';

test('in a file with syntax errors: findings away from the error stay, without a fix; none overlaps it', async () => {
  const clean = await findingsOf(noAwait, CLEAN);
  assert.equal(clean.length, 1);
  assert.ok(clean[0]!.fix, 'a clean file gets the rewrite');
  const findings = await findingsOf(noAwait, `${FFI}${CLEAN}${BROKEN_ITEM}`);
  assert.deepEqual(
    findings.map((f) => f.item),
    ['ready_value'],
  );
  assert.equal(findings[0]!.fix, undefined);
  assert.match(
    findings[0]!.help,
    /no fix is offered: the file has syntax asyncbloat's parser could not read/,
  );
});

test('a wrapper in a file with errors keeps its finding but gets no rewrite', async () => {
  const code = `${FFI}pub async fn wrap(x: u8) -> u8 {\n    inner(x).await\n}\n`;
  const findings = await findingsOf(singleAwaitWrapper, code);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.fix, undefined);
});
