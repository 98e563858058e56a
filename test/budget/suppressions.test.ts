import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSuppressions } from '../../src/budget/suppressions.ts';

const SRC = `use core::future::Future;

/// Sends a frame.
// asyncbloat: allow(future-size, future-growth) reason = "owns the \\"DMA\\" buffer by design"
#[inline]
#[cfg_attr(test, allow(dead_code))]
pub async fn send(buf: [u8; 4096]) {}

// asyncbloat: allow(future-size) reason = "not directly above: a blank line follows"

async fn recv() {}
fn helper() {}
// asyncbloat: allow(future-size)
async fn no_reason() {}
// asyncbloat: allow(future-size) reason = ""
async fn empty_reason() {}
// asyncbloat: alow(future-size) reason = "typo"
async fn malformed() {}
// asyncbloat: allow(future-sise) reason = "typo in name"
async fn unknown_name() {}
`;
const lineOf = (needle: string) => SRC.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('reads a suppression across doc comments and attributes, with escaped quotes in the reason', () => {
  const r = readSuppressions(SRC, lineOf('pub async fn send'));
  assert.deepEqual(r, {
    suppressions: [
      { rules: ['future-size', 'future-growth'], reason: 'owns the "DMA" buffer by design', line: 4 },
    ],
    problems: [],
  });
});

test('a blank line or code ends the search', () => {
  assert.deepEqual(readSuppressions(SRC, lineOf('async fn recv')), { suppressions: [], problems: [] });
  assert.deepEqual(readSuppressions(SRC, 1), { suppressions: [], problems: [] });
});

test('a suppression without reason, with an empty reason, malformed or with an unknown name is a problem', () => {
  const known = ['future-size', 'future-growth', 'no-await'];
  const problem = (fn: string) => readSuppressions(SRC, lineOf(fn), known).problems;
  assert.deepEqual(problem('async fn no_reason'), [
    {
      line: lineOf('async fn no_reason') - 1,
      message: 'suppression of future-size has no reason; add reason = "why this is acceptable"',
    },
  ]);
  assert.match(problem('async fn empty_reason')[0]!.message, /has no reason/);
  assert.match(problem('async fn malformed')[0]!.message, /^malformed asyncbloat comment/);
  assert.equal(
    problem('async fn unknown_name')[0]!.message,
    "unknown rule or budget 'future-sise' in suppression (did you mean 'future-size'?)",
  );
  // Without a list of names, any kebab-case name is accepted.
  assert.equal(readSuppressions(SRC, lineOf('async fn unknown_name')).suppressions.length, 1);
});
