// The MIR reader against real rustc output (stable and nightly, debug and -O, panic=abort, with spans) of
// test/fixtures/mir/asyncs.rs. Expectations come from the fixture's source, from rustc's own
// -Zprint-type-sizes text and from the MIR text itself — never from numbers typed here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { type MirCoroutine, readMir } from '../../src/readers/mir.ts';
import { has, need } from '../support/require.ts';
import { type CompileOptions, compileFixture } from '../support/rustc.ts';
import { awaitsInBody, offsetOf } from './fixture-source.ts';
import { pollHeaders, variantsOf } from './rustc-text.ts';

const FIXTURE = 'test/fixtures/mir/asyncs.rs';
const SOURCE = readFileSync(FIXTURE, 'utf8');

const CONFIGS: { label: string; options: CompileOptions }[] = [
  { label: 'stable debug', options: { file: FIXTURE, toolchain: 'stable' } },
  { label: 'stable -O', options: { file: FIXTURE, toolchain: 'stable', opt: true } },
  { label: 'nightly debug', options: { file: FIXTURE, toolchain: 'nightly' } },
  { label: 'nightly -O', options: { file: FIXTURE, toolchain: 'nightly', opt: true } },
];

function nameOf(c: MirCoroutine): string {
  return `${c.name} (${c.coroutineType})`;
}

for (const { label, options } of CONFIGS) {
  describe(`readMir on ${label}`, () => {
    const available = () => options.toolchain !== 'nightly' || has.nightly();

    test('finds every poll body and nothing at top level is left unparsed', (t) => {
      if (!need(t, 'nightly rustc', available())) return;
      const { mir } = compileFixture(options);
      const r = readMir(mir);
      assert.equal(r.coroutines.length, pollHeaders(mir).length);
      assert.ok(r.coroutines.length > 0);
      assert.deepEqual(r.unparsed, { count: 0 });
      assert.equal(r.lineInfo, 'none');
      assert.equal(r.fnCount, (mir.match(/^fn /gm) ?? []).length);
      // Every `async fn` of the source (unicode and raw identifiers included) has its poll body, named as
      // the fn path plus `{closure#0}`.
      const fns = [...SOURCE.matchAll(/async fn ((?:r#)?[\p{L}_][\p{L}\p{N}_]*)/gu)].map((m) => m[1]!);
      assert.ok(fns.includes('送信') && fns.includes('r#match'));
      for (const name of fns)
        assert.ok(
          r.coroutines.some((c) => c.kind === 'async-fn' && c.name.endsWith(`${name}::{closure#0}`)),
          name,
        );
    });

    test('states = suspend points + Unresumed/Returned (+ Panicked), suspend points = .awaits in the source', (t) => {
      if (!need(t, 'nightly rustc', available())) return;
      const r = readMir(compileFixture(options).mir);
      for (const c of r.coroutines) {
        const panicked = c.states.includes('Panicked') ? 1 : 0;
        assert.equal(c.states.length, c.suspendPoints.length + 2 + panicked, nameOf(c));
        assert.deepEqual(
          c.states.slice(0, 2 + panicked),
          ['Unresumed', 'Returned', 'Panicked'].slice(0, 2 + panicked),
          nameOf(c),
        );
        assert.equal(c.suspendPoints.length, awaitsInBody(SOURCE, c, r.coroutines), nameOf(c));
        // Each suspend point awaits something, as the `debug __awaitee` line says.
        for (const s of c.suspendPoints)
          assert.ok(s.awaiteeType?.startsWith('{async '), `${nameOf(c)} ${s.state}`);
        // A body that can unwind into Panicked also has the "resumed after panicking" path, and vice versa.
        assert.equal(c.panicPaths.resumedAfterPanic, panicked === 1, nameOf(c));
        assert.ok(c.panicPaths.resumedAfterCompletion, nameOf(c));
      }
    });

    test('suspend states match the variants rustc lays out for the same type', (t) => {
      if (!need(t, 'nightly rustc', available())) return;
      const { mir, typeSizes } = compileFixture(options);
      let compared = 0;
      for (const c of readMir(mir).coroutines) {
        const variants = variantsOf(typeSizes, c.coroutineType);
        if (variants.length === 0) continue; // generic bodies (`generic<T>`) have no layout of their own
        const suspends = variants.filter((v) => v.startsWith('Suspend'));
        assert.deepEqual(
          c.states.filter((s) => s.startsWith('Suspend')),
          suspends,
          nameOf(c),
        );
        compared++;
      }
      assert.ok(compared >= 10, `only ${compared} bodies had a layout`);
    });

    test('spans point at the async body in the source', (t) => {
      if (!need(t, 'nightly rustc', available())) return;
      const r = readMir(compileFixture(options).mir);
      for (const c of r.coroutines) {
        assert.ok(c.span, `${nameOf(c)} has no span`);
        assert.equal(c.span.file, 'asyncs.rs');
        const at = SOURCE.slice(offsetOf(SOURCE, c.span.line, c.span.column));
        if (c.kind === 'async-fn') {
          assert.ok(at.startsWith('{'), `${nameOf(c)}: ${at.slice(0, 20)}`);
          assert.equal(SOURCE[offsetOf(SOURCE, c.span.endLine, c.span.endColumn) - 1], '}', nameOf(c));
        } else if (c.kind === 'async-block') assert.ok(at.startsWith('async'), nameOf(c));
      }
      // Every constructor names a coroutine some poll body polls.
      const polled = new Set(r.coroutines.map((c) => c.coroutineType));
      for (const k of r.constructors) assert.ok(polled.has(k.coroutineType), k.name);
      const asyncFns = r.coroutines.filter((c) => c.kind === 'async-fn').length;
      assert.equal(r.constructors.filter((k) => k.coroutineType.startsWith('{async fn')).length, asyncFns);
    });

    test('lines, blocks, drops and panic paths match the text of each body', (t) => {
      if (!need(t, 'nightly rustc', available())) return;
      const { mir } = compileFixture(options);
      const lines = mir.split('\n');
      for (const c of readMir(mir).coroutines) {
        const first = c.mirLine - 1;
        assert.ok(lines[first]!.startsWith(`fn ${c.name}(`), nameOf(c));
        const last = lines.indexOf('}', first);
        const body = lines.slice(first, last + 1);
        assert.equal(c.mirLines, body.length, nameOf(c));
        assert.equal(c.basicBlocks, body.filter((l) => /^ {4}bb\d+(?: \(cleanup\))?: \{$/.test(l)).length);
        assert.equal(c.dropTerminators, body.filter((l) => /^ {8}drop\(/.test(l)).length);
        const text = body.join('\n');
        assert.equal(c.panicPaths.resumedAfterCompletion, text.includes('resumed after completion'));
        assert.equal(c.panicPaths.resumedAfterPanic, text.includes('resumed after panicking'));
        // Statements: block lines other than the opening, closing and terminator lines.
        const firstBlock = body.findIndex((l) => /^ {4}bb0: \{$/.test(l));
        const inBlocks = body.slice(firstBlock).filter((l) => /^ {8}\S/.test(l)).length;
        assert.equal(c.statements, inBlocks - c.basicBlocks, nameOf(c));
      }
    });
  });
}

describe('readMir on variants', () => {
  test('a body that never returns still has the Returned state, as its layout does', () => {
    const { mir, typeSizes } = compileFixture({
      file: 'test/fixtures/mir/diverging.rs',
      toolchain: 'stable',
    });
    const r = readMir(mir);
    assert.equal(r.coroutines.length, pollHeaders(mir).length);
    let compared = 0;
    for (const c of r.coroutines) {
      const variants = variantsOf(typeSizes, c.coroutineType);
      if (variants.length === 0) continue;
      // rustc prints variants largest first; the reader lists them by discriminant. Panicked counts only
      // when the body can unwind into it (the model's contract); Unresumed and Returned always.
      const expected = variants.filter((v) => v !== 'Panicked' || c.panicPaths.resumedAfterPanic);
      assert.deepEqual([...c.states].sort(), expected.sort(), nameOf(c));
      compared++;
    }
    assert.equal(compared, 3, 'layouts of the two diverging bodies and `ready`');
    assert.ok(
      r.coroutines.some((c) => !c.panicPaths.resumedAfterCompletion),
      'a body that cannot complete',
    );
  });

  test('panic=abort: no Panicked state and no "resumed after panicking" path', () => {
    const { mir } = compileFixture({ file: FIXTURE, toolchain: 'stable', opt: true, panic: 'abort' });
    const r = readMir(mir);
    assert.equal(r.coroutines.length, pollHeaders(mir).length);
    for (const c of r.coroutines) {
      assert.ok(!c.states.includes('Panicked'), nameOf(c));
      assert.equal(c.panicPaths.resumedAfterPanic, false);
      assert.equal(c.states.length, c.suspendPoints.length + 2);
      assert.equal(c.suspendPoints.length, awaitsInBody(SOURCE, c, r.coroutines), nameOf(c));
    }
  });

  for (const toolchain of ['stable', 'nightly'] as const)
    for (const opt of [false, true])
      test(`-Zmir-include-spans (${toolchain}${opt ? ' -O' : ''}): every suspend point is at an .await`, (t) => {
        if (toolchain === 'nightly' && !need(t, 'nightly rustc', has.nightly())) return;
        for (const file of [FIXTURE, 'test/fixtures/mir/await-lines.rs']) {
          const src = readFileSync(file, 'utf8');
          const { mir } = compileFixture({ file, toolchain, opt, mirSpans: true, printTypeSizes: false });
          const r = readMir(mir);
          assert.equal(r.lineInfo, 'spans');
          assert.deepEqual(r.unparsed, { count: 0 });
          let points = 0;
          for (const c of r.coroutines) {
            assert.equal(c.suspendPoints.length, awaitsInBody(src, c, r.coroutines), nameOf(c));
            for (const s of c.suspendPoints) {
              assert.ok(s.line !== undefined && s.column !== undefined, `${nameOf(c)} ${s.state}`);
              const before = src.slice(0, offsetOf(src, s.line, s.column));
              assert.ok(src.slice(before.length).startsWith('await'), `${nameOf(c)} ${s.state} ${s.line}`);
              assert.match(before, /\.\s*$/);
              points++;
            }
          }
          assert.equal(points, (src.match(/\.\s*await\b/g) ?? []).length + extraBodies(r.coroutines, src));
        }
      });
});

test('-Zmir-include-spans changes nothing but the await lines (so a build can always ask for it)', () => {
  for (const opt of [false, true]) {
    const plain = readMir(
      compileFixture({ file: FIXTURE, toolchain: 'stable', opt, printTypeSizes: false }).mir,
    );
    const spanned = readMir(
      compileFixture({ file: FIXTURE, toolchain: 'stable', opt, mirSpans: true, printTypeSizes: false }).mir,
    );
    const strip = (r: typeof plain) =>
      r.coroutines.map(({ mirLine: _, suspendPoints, ...c }) => ({
        ...c,
        suspendPoints: suspendPoints.map(({ line: _l, column: _c, ...s }) => s),
      }));
    assert.deepEqual(strip(spanned), strip(plain));
    assert.deepEqual(spanned.constructors, plain.constructors);
  }
});

/**
 * The by-ref and by-move bodies of an async closure are the same source twice, so their awaits are
 * counted twice in MIR; this returns the awaits to add for that duplication.
 */
function extraBodies(coroutines: MirCoroutine[], src: string): number {
  const seen = new Map<string, number>();
  let extra = 0;
  for (const c of coroutines) {
    const n = seen.get(c.coroutineType);
    if (n === undefined) seen.set(c.coroutineType, awaitsInBody(src, c, coroutines));
    else extra += n;
  }
  return extra;
}

describe('readMir on bad and empty input', () => {
  test('an unknown top-level line is counted with the first example; bodies around it still read', () => {
    const { mir } = compileFixture({ file: FIXTURE, toolchain: 'stable' });
    const clean = readMir(mir);
    const junk = mir.replace(/^fn /m, 'garbage that is not MIR\nmore garbage\nfn ');
    const r = readMir(junk);
    assert.deepEqual(r.unparsed, { count: 2, example: 'garbage that is not MIR' });
    assert.equal(r.coroutines.length, clean.coroutines.length);
  });

  test('unknown lines inside a body (future operand prefixes) are tolerated', () => {
    const { mir } = compileFixture({ file: FIXTURE, toolchain: 'stable' });
    const clean = readMir(mir);
    const odd = mir.replace(/^( {8})(_\d+ = )copy /gm, '$1$2some_new_prefix copy ');
    assert.notEqual(odd, mir);
    const r = readMir(odd);
    assert.deepEqual(r.unparsed, { count: 0 });
    assert.deepEqual(
      r.coroutines.map((c) => [c.name, c.states, c.suspendPoints.length]),
      clean.coroutines.map((c) => [c.name, c.states, c.suspendPoints.length]),
    );
  });

  test('path-qualified spellings (`std::pin::Pin`, `std::task::Context`, as hyper prints) read the same', () => {
    const { mir } = compileFixture({ file: FIXTURE, toolchain: 'stable' });
    const qualified = mir
      .replaceAll('(_1: Pin<&mut {async', '(_1: std::pin::Pin<&mut {async')
      .replaceAll("_2: &mut Context<'_>) -> Poll<", "_2: &mut std::task::Context<'_>) -> std::task::Poll<");
    assert.notEqual(qualified, mir);
    const clean = readMir(mir);
    assert.deepEqual(readMir(qualified).coroutines, clean.coroutines);
  });

  test('a body cut off before its closing brace is reported, not guessed', () => {
    const { mir } = compileFixture({ file: FIXTURE, toolchain: 'stable' });
    const lines = mir.split('\n');
    const lastFn = lines.findLastIndex((l) => l.startsWith('fn '));
    const r = readMir(lines.slice(0, lastFn + 5).join('\n'));
    assert.equal(r.unparsed.count, 1);
    assert.equal(r.unparsed.example, lines[lastFn]);
  });

  test('empty input', () => {
    assert.deepEqual(readMir(''), {
      coroutines: [],
      constructors: [],
      fnCount: 0,
      lineInfo: 'none',
      unparsed: { count: 0 },
    });
  });

  test('a crate without async has fns but no coroutines', () => {
    const { mir } = compileFixture({ file: 'test/fixtures/mir/no_async.rs', toolchain: 'stable' });
    const r = readMir(mir);
    assert.equal(r.coroutines.length, 0);
    assert.equal(r.constructors.length, 0);
    assert.equal(r.fnCount, (mir.match(/^fn /gm) ?? []).length);
    assert.ok(r.fnCount > 0);
    assert.deepEqual(r.unparsed, { count: 0 });
  });
});
