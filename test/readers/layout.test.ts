// Layout measurements (src/measure/layout.ts) on real rustc output of test/fixtures/mir/asyncs.rs. The
// expected values come from the fixture source (array lengths, parameter names) and from rustc's text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  awaitLinesOf,
  futureKey,
  indexFutures,
  measureLayout,
  resolveFuture,
  unwrapFuture,
} from '../../src/measure/layout.ts';
import type { FutureLayout } from '../../src/model/report.ts';
import { readMir } from '../../src/readers/mir.ts';
import { readTypeSizes } from '../../src/readers/type-sizes.ts';
import { has, need } from '../support/require.ts';
import { compileFixture } from '../support/rustc.ts';

const FIXTURE = 'test/fixtures/mir/asyncs.rs';
const SOURCE = readFileSync(FIXTURE, 'utf8');

function layouts(toolchain: 'stable' | 'nightly' = 'stable'): FutureLayout[] {
  return readTypeSizes(compileFixture({ file: FIXTURE, toolchain, mir: false }).typeSizes).futures;
}

function layoutOf(all: FutureLayout[], fnName: string): FutureLayout {
  const f = all.find((l) => l.typeName === `{async fn body of ${fnName}()}`);
  assert.ok(f, `no layout for ${fnName}`);
  return f;
}

/** Parameter names of `async fn NAME(...)` in the fixture source. */
function paramsOf(fnName: string): string[] {
  const m = new RegExp(`async fn ${fnName}\\(([^)]*)\\)`).exec(SOURCE);
  assert.ok(m, fnName);
  return m[1]!.split(',').map((p) => p.split(':')[0]!.trim());
}

describe('measureLayout', () => {
  test('held across each await: one entry per SuspendN, the sum of its live fields, largest first', () => {
    for (const f of layouts()) {
      const m = measureLayout(f);
      const suspends = f.states.filter((s) => s.name.startsWith('Suspend'));
      assert.deepEqual(
        m.heldAcrossAwait.map((h) => h.state),
        suspends.map((s) => s.name),
      );
      for (const h of m.heldAcrossAwait) {
        assert.equal(
          h.bytes,
          h.fields.reduce((n, x) => n + x.bytes, 0),
        );
        assert.ok(h.bytes <= f.bytes);
        assert.ok(h.fields.every((x, i) => i === 0 || h.fields[i - 1]!.bytes >= x.bytes));
        assert.ok(h.fields.every((x) => x.kind !== 'padding'));
      }
    }
  });

  test('the largest held local is the big array the source holds across an await', () => {
    const len = Number(/let buf = \[\d+u8; (\d+)\];/.exec(SOURCE)![1]);
    const m = measureLayout(layoutOf(layouts(), 'with_big_local'));
    assert.equal(m.largestHeldLocal?.field.name, 'buf');
    assert.equal(m.largestHeldLocal?.field.bytes, len);
    assert.equal(m.largestHeldLocal?.state, 'Suspend0');
  });

  for (const toolchain of ['stable', 'nightly'] as const)
    test(`arguments used after an await are stored twice (rust#62958) — ${toolchain}`, (t) => {
      if (toolchain === 'nightly' && !need(t, 'nightly rustc', has.nightly())) return;
      const f = layoutOf(layouts(toolchain), 'arg_after_await');
      const m = measureLayout(f);
      assert.deepEqual(m.duplicatedArgs.map((d) => d.name).sort(), paramsOf('arg_after_await').sort());
      // The cost is the second copy: as large as the argument itself.
      const unresumed = f.states.find((s) => s.name === 'Unresumed')!;
      for (const d of m.duplicatedArgs)
        assert.equal(d.bytes, unresumed.fields.find((x) => x.name === d.name && x.kind === 'upvar')!.bytes);
      // `with_big_local` has no arguments: nothing can be duplicated.
      assert.deepEqual(paramsOf('with_big_local'), ['']);
      assert.deepEqual(measureLayout(layoutOf(layouts(toolchain), 'with_big_local')).duplicatedArgs, []);
    });

  test('awaitee children resolve to the awaited layouts, across path-trimmed generic spellings', () => {
    const all = layouts();
    const index = indexFutures(all);
    let resolved = 0;
    for (const f of all)
      for (const c of measureLayout(f, { index, itemOf: (l) => `item:${l.typeName}` }).children) {
        assert.ok(c.layout, `${f.typeName} ${c.state}: ${c.typeName} unresolved`);
        assert.equal(c.layout.bytes, c.bytes);
        assert.equal(c.item, `item:${c.layout.typeName}`);
        assert.equal(c.indirect, false);
        resolved++;
      }
    assert.ok(resolved >= 15);
    // use_generic awaits `generic<String>` (printed trimmed in the field) and `generic<u64>`.
    const kids = measureLayout(layoutOf(all, 'use_generic'), { index }).children;
    assert.deepEqual(
      kids.map((c) => [c.state, c.layout?.typeName]),
      [
        ['Suspend0', '{async fn body of generic<std::string::String>()}'],
        ['Suspend1', '{async fn body of generic<u64>()}'],
      ],
    );
    assert.notEqual(kids[0]!.typeName, kids[0]!.layout!.typeName);
  });

  test('await lines from spanned MIR land on the SuspendN states', () => {
    const file = 'test/fixtures/mir/await-lines.rs';
    const out = compileFixture({ file, toolchain: 'stable', mirSpans: true });
    const poll = readMir(out.mir).coroutines.find((c) => c.name === 'lines::{closure#0}')!;
    const layout = readTypeSizes(out.typeSizes).futures.find((f) => f.typeName === poll.coroutineType)!;
    const m = measureLayout(layout, { awaitLines: awaitLinesOf(poll.suspendPoints) });
    const src = readFileSync(file, 'utf8').split('\n');
    const lines = m.heldAcrossAwait.map((h) => h.line);
    assert.equal(lines.length, poll.suspendPoints.length);
    for (const l of lines) assert.match(src[l! - 1]!, /\.await/);
    assert.deepEqual(
      m.states.filter((s) => s.awaitLine !== undefined).map((s) => s.name),
      m.heldAcrossAwait.map((h) => h.state),
    );
  });
});

describe('wrappers and name normalisation', () => {
  test('wrappers rustc prints around futures fold into the future', () => {
    const all = layouts();
    const types = readTypeSizes(
      compileFixture({ file: FIXTURE, toolchain: 'stable', mir: false }).typeSizes,
    ).types;
    let folded = 0;
    for (const [name, size] of types) {
      if (!/^std::mem::(ManuallyDrop|MaybeUninit|MaybeDangling)<\{async /.test(name)) continue;
      const { inner, indirect } = unwrapFuture(name);
      assert.equal(indirect, false);
      const target = resolveFuture(indexFutures(all), inner, size.bytes);
      assert.equal(target?.typeName, inner, name);
      folded++;
    }
    assert.ok(folded >= 3);
  });

  test('pointers to futures are marked indirect', () => {
    assert.deepEqual(unwrapFuture('std::pin::Pin<std::boxed::Box<{async fn body of f<u8, u16>()}>>'), {
      inner: '{async fn body of f<u8, u16>()}',
      indirect: true,
    });
    assert.deepEqual(unwrapFuture('Pin<&mut {async block@src/a.rs:1:2: 1:7}>'), {
      inner: '{async block@src/a.rs:1:2: 1:7}',
      indirect: true,
    });
  });

  test('keys drop module paths everywhere but keep spans, impls and raw/unicode idents', () => {
    assert.equal(
      futureKey('{async fn body of tokio::sync::mpsc::Sender<u32>::send()}'),
      futureKey('{async fn body of sync::mpsc::bounded::Sender<u32>::send()}'),
    );
    assert.equal(
      futureKey('{async fn body of generic<std::string::String>()}'),
      futureKey('{async fn body of generic<String>()}'),
    );
    assert.equal(futureKey('{async fn body of edge::r#match()}'), '{async fn body of r#match()}');
    assert.equal(futureKey('{async fn body of edge::送信()}'), '{async fn body of 送信()}');
    assert.equal(futureKey('{async block@src/lib.rs:1:2: 1:7}'), '{async block@src/lib.rs:1:2: 1:7}');
  });
});
