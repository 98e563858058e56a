import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../src/fix/apply-edits.ts';
import { branchWrapper } from '../../src/rules/branch-wrapper/rule.ts';
import { findingsOf, ruleTester } from '../support/rule-tester.ts';

const FUTURES = ['futures', 'tokio'];

ruleTester(branchWrapper, {
  valid: [
    {
      name: 'a branch does other work',
      code: 'async fn f(s: bool) -> u8 { if s { log(); a().await } else { b().await } }',
    },
    {
      name: 'a branch awaits twice',
      code: 'async fn f(s: bool) -> u8 { if s { a().await + a2().await } else { b().await } }',
    },
    {
      name: 'work after the if',
      code: 'async fn f(s: bool) -> u8 { let x = if s { a().await } else { b().await }; x + 1 }',
    },
    { name: 'no else', code: 'async fn f(s: bool) { if s { a().await } }' },
    {
      name: 'the condition awaits',
      code: 'async fn f() -> u8 { if ready().await { a().await } else { b().await } }',
    },
    {
      name: 'an await outside the if',
      code: 'async fn f(s: bool) -> u8 { let x = pre().await; if s { a(x).await } else { b(x).await } }',
    },
    {
      // duplicate-arm-awaits says to await it once: then single-await-wrapper applies.
      name: 'both branches await the same callee',
      code: 'async fn f(s: bool) -> u8 { if s { send(1).await } else { send(2).await } }',
    },
    {
      name: 'an arm under #[cfg]',
      code: 'async fn f(k: u8) -> u8 {\n    match k {\n        #[cfg(feature = "x")]\n        0 => a().await,\n        _ => b().await,\n    }\n}',
    },
    {
      name: 'an attribute macro that needs async fn',
      code: '#[tokio::main]\nasync fn main() { if flag() { a().await } else { b().await } }',
    },
    { name: 'a single arm', code: 'async fn f(k: u8) -> u8 { match k { _ => a().await } }' },
  ],
  invalid: [
    {
      name: "pants' task_context: two scopes, offered with futures",
      dependencies: FUTURES,
      code: 'pub async fn task_context(side: bool, x: u32) -> u32 {\n    if side { A.scope(x).await } else { B.scope(x).await }\n}',
      findings: [
        {
          line: 1,
          message: 'only awaits one future in each branch of its tail `if`',
          help: ['futures::future::Either::Left', 'the condition then runs when `task_context` is called'],
          fix: null, // `A.scope(x)` borrows the statics `A`/`B`, which the rewrite cannot tell from locals
        },
      ],
    },
    {
      name: 'a match of calls, with futures: a maybe-incorrect fix',
      dependencies: FUTURES,
      code: 'async fn route(k: u8) -> u32 {\n    match k {\n        0 => index(k).await,\n        1 => { about(k).await }\n        _ => not_found(k).await,\n    }\n}',
      findings: [
        {
          line: 1,
          message: '`index(k)`, `about(k)`, `not_found(k)`',
          help: ['nest `Either` for more branches', 'the scrutinee then runs'],
          fix: { applicability: 'maybe-incorrect', caveat: ['the `match` scrutinee'] },
        },
      ],
    },
    {
      name: 'without futures: a finding, no fix, and why',
      code: 'async fn f(s: bool) -> u8 { if s { a().await } else { b().await } }',
      findings: [{ line: 1, fix: null, help: ['no dependency has an `Either` future to return'] }],
    },
    {
      name: 'with either only: either::Either, saying which versions have the future',
      dependencies: ['either'],
      code: 'async fn f(s: bool) -> u8 { if s { a().await } else { b().await } }',
      findings: [
        {
          line: 1,
          help: ['either::Either::Left'],
          fix: { applicability: 'maybe-incorrect', caveat: ['only in recent versions of `either`'] },
        },
      ],
    },
    {
      name: 'an else-if chain, with futures-util',
      dependencies: ['futures_util'],
      code: 'async fn f(k: u8) -> u8 { if k == 0 { a().await } else if k == 1 { b().await } else { c().await } }',
      findings: [{ line: 1, fix: { applicability: 'maybe-incorrect', caveat: ['the `if` condition'] } }],
    },
  ],
});

describe('branch-wrapper rewrite', () => {
  it('wraps each branch in Either, nesting for three, and drops async and .await', async () => {
    const code =
      'async fn route(k: u8) -> u32 {\n    match k {\n        0 => index(k).await,\n        1 => { about(k).await }\n        _ => not_found(k).await,\n    }\n}';
    const [f] = await findingsOf(branchWrapper, code, 'src/lib.rs', '2021', ['futures']);
    const out = applyEdits(code, f!.fix!.edits);
    assert.equal(
      out,
      'fn route(k: u8) -> impl ::core::future::Future<Output = u32> {\n    match k {\n        0 => futures::future::Either::Left(index(k)),\n        1 => { futures::future::Either::Right(futures::future::Either::Left(about(k))) }\n        _ => futures::future::Either::Right(futures::future::Either::Right(not_found(k))),\n    }\n}',
    );
  });
});
