// `--explain` on a spawned future: generic code grouped by function family instead of hundreds of symbols.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodePart } from '../../src/model/report.ts';
import { renderExplain } from '../../src/report/analyze-human.ts';
import { codeFamilies, codeFamily } from '../../src/report/code-families.ts';
import { colors } from '../../src/report/colors.ts';
import { analysisReport } from './sample-reports.ts';

test('a family is the symbol without its generic arguments; a qualified path keeps its brackets', () => {
  assert.equal(
    codeFamily(
      '<tokio::runtime::task::harness::Harness<app::main::{closure#0}, alloc::sync::Arc<tokio::runtime::Handle>>>::poll',
    ),
    'tokio::runtime::task::harness::Harness::poll',
  );
  assert.equal(
    codeFamily('core::ptr::drop_in_place::<tokio::runtime::task::core::Stage<app::serve::{closure#0}>>'),
    'core::ptr::drop_in_place',
  );
  assert.equal(
    codeFamily('<app::Svc as app::Service>::call::{closure#0}'),
    '<app::Svc as app::Service>::call::{closure#0}',
  );
  assert.equal(
    codeFamily('<tokio::task::Cell<F, S> as core::Foo<u8>>::new'),
    '<tokio::task::Cell as core::Foo>::new',
  );
});

test('--explain groups generic code by family, the top ones listed and the rest summed; --all-symbols lists all', () => {
  const report = analysisReport();
  const item = report.items[0]!;
  const runtime: CodePart[] = [];
  for (let f = 0; f < 12; f++) {
    for (let k = 0; k < 3; k++) {
      runtime.push({
        symbol: `tokio::runtime::f${f}::<app::T${k}>`,
        kind: 'runtime',
        bytes: 100 + f,
        copies: 1,
      });
    }
  }
  const own: CodePart = { symbol: 'app::main::{closure#0}', kind: 'poll', bytes: 500, copies: 1 };
  item.code = {
    codeBytes: 500 + runtime.reduce((n, p) => n + p.bytes, 0),
    parts: [own, ...runtime],
    inlined: false,
  };
  const families = codeFamilies(runtime);
  assert.equal(families.length, 12);
  assert.deepEqual(families[0], { family: 'tokio::runtime::f11', symbols: 3, bytes: 333 });
  const out = renderExplain(item, colors('never'));
  assert.match(out, /app::main::\{closure#0\}/);
  assert.match(out, /generic code by function \(36 symbols in 12 functions\):/);
  assert.match(out, /x3 {2}tokio::runtime::f11\n/);
  assert.doesNotMatch(out, /tokio::runtime::f0\b|f1::<app/);
  assert.match(out, /in 2 more functions \(--all-symbols lists every symbol\)/);
  const all = renderExplain(item, colors('never'), { allSymbols: true });
  for (const p of runtime) assert.ok(all.includes(p.symbol), p.symbol);
  assert.doesNotMatch(all, /generic code by function/);
});
